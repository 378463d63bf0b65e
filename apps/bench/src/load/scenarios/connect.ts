/**
 * Connection setup scenario (BENCH.md): in `lanes` parallel lanes, open a WebSocket, wait for the
 * Engine.IO open packet, send CONNECT, wait for the CONNECT reply, close, repeat. Figures: server CPU
 * per connection (setup and teardown), connections/s, connect time p50/p99.
 */
import { BenchClient } from "../bench-client.js";
import { LatencyHistogram } from "../latency-histogram.js";
import { closeWindow, openWindow } from "../measure-window.js";
import { monotonicMs } from "../monotonic-clock.js";
import { sleep } from "../pause.js";
import type { ConnectSpec, GeneratorTarget, PhaseResult } from "../scenario-spec.js";

/** Runs the connect scenario against the first server of `target`. */
export async function runConnect(target: GeneratorTarget, spec: ConnectSpec): Promise<PhaseResult[]> {
  const url = target.urls[0]!;
  const state = { running: true, completed: 0, failures: 0, lastError: "", histogram: new LatencyHistogram() };
  const lane = async (): Promise<void> => {
    while (state.running) {
      const startedAt = monotonicMs();
      const client = new BenchClient(url);
      try {
        await client.connected;
        state.histogram.record(monotonicMs() - startedAt);
        state.completed++;
        client.close();
      } catch (error) {
        state.failures++;
        state.lastError = String(error);
      }
      await client.closed;
    }
  };
  const lanes = Array.from({ length: spec.lanes }, lane);
  await sleep(spec.warmupMs);
  state.histogram = new LatencyHistogram();
  const failuresBefore = state.failures;
  const window = openWindow(target, state.completed);
  await sleep(spec.durationMs);
  const result = closeWindow(
    window,
    target,
    state.completed,
    { scenario: `connect-${spec.lanes}`, phase: "connect", operation: "connection" },
    state.histogram,
  );
  state.running = false;
  await Promise.all(lanes);
  if (state.failures > failuresBefore) {
    result.notes.push(`${state.failures - failuresBefore} failed connects (last: ${state.lastError})`);
  }
  return [result];
}
