/**
 * Ack round-trip scenario (BENCH.md): `clients` clients each emit `echo(payload, ack)` and send the
 * next one as soon as the ack arrives. Figures: server CPU per ack, acks/s, round-trip p50/p99.
 */
import type { BenchClient } from "../bench-client.js";
import { closeAll, connectMany } from "../connect-many.js";
import { LatencyHistogram } from "../latency-histogram.js";
import { closeWindow, openWindow } from "../measure-window.js";
import { monotonicMs } from "../monotonic-clock.js";
import { sleep, waitFor } from "../pause.js";
import { makePayload } from "../payload.js";
import type { GeneratorTarget, PhaseResult, RpcSpec } from "../scenario-spec.js";

/** One client's back-to-back echo loop; the ack listener is bound once, not per request. */
class EchoLane {
  inFlight = false;
  private sentAt = 0;
  private seq = 0;
  private readonly onAck = (): void => this.laneOnAck();

  constructor(
    private readonly client: BenchClient,
    private readonly shared: { running: boolean; acks: number; histogram: LatencyHistogram },
  ) {}

  send(): void {
    this.inFlight = true;
    this.sentAt = monotonicMs();
    this.client.emit("echo", [makePayload(this.seq++)], this.onAck);
  }

  private laneOnAck(): void {
    this.inFlight = false;
    this.shared.acks++;
    this.shared.histogram.record(monotonicMs() - this.sentAt);
    if (this.shared.running) this.send();
  }
}

/** Runs the rpc scenario against the first server of `target`. */
export async function runRpc(target: GeneratorTarget, spec: RpcSpec): Promise<PhaseResult[]> {
  const clients = await connectMany({ url: target.urls[0]!, count: spec.clients, lanes: 64 });
  const shared = { running: true, acks: 0, histogram: new LatencyHistogram() };
  const lanes = clients.map((client) => new EchoLane(client, shared));
  for (const lane of lanes) lane.send();
  await sleep(spec.warmupMs);
  shared.histogram = new LatencyHistogram();
  const window = openWindow(target, shared.acks);
  await sleep(spec.durationMs);
  const result = closeWindow(
    window,
    target,
    shared.acks,
    { scenario: `rpc-${spec.clients}`, phase: "rpc", operation: "ack" },
    shared.histogram,
  );
  shared.running = false;
  if (!(await waitFor(() => lanes.every((lane) => !lane.inFlight), 15_000))) result.notes.push("acks lost");
  await closeAll(clients);
  return [result];
}
