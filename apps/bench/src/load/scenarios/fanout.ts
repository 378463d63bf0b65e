/**
 * Fan-out scenario (BENCH.md): C subscribers join room `bench`, one publisher (not in the room) emits
 * `broadcast("bench", payload)`; the server emits `tick(payload)` to every subscriber.
 *
 * Phase `fixed`: a constant offered rate (deliveries/s), the latency figure that matters for users.
 * Phase `saturated`: the publisher keeps at most `windowBroadcasts` broadcasts' worth of deliveries
 * outstanding, refilling as deliveries arrive, so the server runs flat out without unbounded queues.
 *
 * Against several instances sharing a Redis (`cluster-fanout`), subscriber i connects to instance
 * i mod n and the publisher to the first instance, so every broadcast crosses Redis to reach the others.
 */
import { BenchClient } from "../bench-client.js";
import { closeAll, connectMany } from "../connect-many.js";
import { LatencyHistogram } from "../latency-histogram.js";
import { closeWindow, openWindow } from "../measure-window.js";
import { monotonicMs } from "../monotonic-clock.js";
import { sleep, waitFor } from "../pause.js";
import { makePayload } from "../payload.js";
import type { FanoutSpec, GeneratorTarget, PhaseResult } from "../scenario-spec.js";

const ROOM = "bench";
const CONNECT_LANES = 64;
const FIXED_TICK_MS = 10;
const DRAIN_TIMEOUT_MS = 15_000;
/** Fixed phase: stop offering load when this many broadcasts are still undelivered (server too slow). */
const FIXED_BACKLOG_BROADCASTS = 32;
/** Readiness probes: broadcasts tried until one reaches every subscriber, and how long each may take. */
const PROBE_ATTEMPTS = 50;
const PROBE_TIMEOUT_MS = 1000;

type Mode = "idle" | "fixed" | "saturated";

/** Connects `count` subscribers split evenly over `urls` (the first instances get the remainder). */
async function connectSplit(urls: readonly string[], count: number): Promise<BenchClient[]> {
  const lanes = Math.max(1, Math.floor(CONNECT_LANES / urls.length));
  const groups = await Promise.all(
    urls.map((url, i) => connectMany({ url, count: Math.floor((count + urls.length - 1 - i) / urls.length), lanes, room: ROOM })),
  );
  return groups.flat();
}

/** Runs both fan-out phases against `target` (one server, or several sharing a Redis). */
export async function runFanout(target: GeneratorTarget, spec: FanoutSpec): Promise<PhaseResult[]> {
  const scenario = spec.scenario ?? `fanout-${spec.clients}`;
  const subscribers = await connectSplit(target.urls, spec.clients);
  const publisher = new BenchClient(target.urls[0]!);
  await publisher.connected;

  const clients = spec.clients;
  let mode: Mode = "idle";
  let sent = 0;
  let delivered = 0;
  let skipped = 0;
  let histogram = new LatencyHistogram();
  const outstanding = (): number => sent * clients - delivered;
  const publish = (): void => {
    publisher.emit("broadcast", [ROOM, makePayload(sent)]);
    sent++;
  };
  const saturatedLimit = (spec.windowBroadcasts - 1) * clients;
  const pump = (): void => {
    while (outstanding() <= saturatedLimit) publish();
  };
  // One shared listener for all subscribers: no per-client closure on the delivery path.
  const onTick = (sentAt: number): void => {
    delivered++;
    histogram.record(monotonicMs() - sentAt);
    if (mode === "saturated") pump();
  };
  for (const subscriber of subscribers) subscriber.onTick = onTick;

  // Readiness: one broadcast must reach every subscriber before anything is measured. Behind a Redis
  // backplane an instance may subscribe to the room only after `join` was acked, so the first
  // broadcasts can miss the other instances; such partial probes are written off, then counters reset.
  let ready = false;
  let attempts = 0;
  while (!ready && attempts < PROBE_ATTEMPTS) {
    attempts++;
    const before = delivered;
    publish();
    ready = await waitFor(() => delivered - before >= clients, PROBE_TIMEOUT_MS);
  }
  if (!ready) throw new Error(`${scenario}: no broadcast reached all ${clients} subscribers after ${PROBE_ATTEMPTS} tries`);
  // After a retry, stragglers of a slow earlier probe may still be on their way: let them land first.
  if (attempts > 1) await sleep(PROBE_TIMEOUT_MS);
  sent = 0;
  delivered = 0;

  const results: PhaseResult[] = [];
  const notes: string[] = [];

  // Fixed phase: a 10 ms timer releases the broadcasts that are due by now.
  const perSecond = spec.fixedDeliveriesPerSecond / clients;
  const fixedStart = monotonicMs();
  mode = "fixed";
  let released = 0; // broadcasts due so far in the fixed phase, published or skipped
  const timer = setInterval(() => {
    const due = Math.floor(((monotonicMs() - fixedStart) * perSecond) / 1000);
    while (released < due) {
      released++;
      // A server that cannot keep up must not build an unbounded backlog: skip and flag instead.
      if (outstanding() > FIXED_BACKLOG_BROADCASTS * clients) skipped++;
      else publish();
    }
  }, FIXED_TICK_MS);
  await sleep(spec.warmupMs);
  histogram = new LatencyHistogram();
  const skippedBefore = skipped;
  let window = openWindow(target, delivered);
  await sleep(spec.durationMs);
  const fixed = closeWindow(window, target, delivered, { scenario, phase: "fixed", operation: "delivery" }, histogram);
  clearInterval(timer);
  if (skipped > skippedBefore) fixed.notes.push(`rate not sustained (${skipped - skippedBefore} broadcasts skipped)`);
  results.push(fixed);
  mode = "idle";
  if (!(await waitFor(() => outstanding() === 0, DRAIN_TIMEOUT_MS))) notes.push(`${outstanding()} deliveries lost`);

  // Saturated phase.
  mode = "saturated";
  pump();
  await sleep(spec.warmupMs);
  histogram = new LatencyHistogram();
  window = openWindow(target, delivered);
  await sleep(spec.durationMs);
  const saturated = closeWindow(
    window,
    target,
    delivered,
    { scenario, phase: "saturated", operation: "delivery" },
    histogram,
  );
  mode = "idle";
  results.push(saturated);
  if (!(await waitFor(() => outstanding() === 0, DRAIN_TIMEOUT_MS))) notes.push(`${outstanding()} deliveries lost`);

  for (const result of results) result.notes.push(...notes);
  publisher.terminate();
  await closeAll(subscribers);
  await publisher.closed;
  return results;
}
