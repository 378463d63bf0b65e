import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { connect, type DisconnectReason, type Socket, type TransportName } from "../../src/index.js";
import type { ServerProcess } from "./server-process.js";
import { SeqSender, SeqTally, type StreamCounts } from "./seq-stream.js";

/** One fault, injected into a running client ↔ server stream. */
export interface FaultScenario {
  readonly name: string;
  readonly server: ServerProcess;
  /** Where the client connects (the server, or a proxy in front of it). */
  readonly origin: string;
  readonly transports: TransportName[];
  /** Start the fault. */
  inject(): void | Promise<void>;
  /** End it. */
  heal(): void | Promise<void>;
  /** How long the fault lasts after the client noticed it, ms (emits in that time go to the offline buffer). */
  readonly outageMs: number;
}

/** What a scenario measured; printed as one line and asserted by the tests. */
export interface FaultReport {
  readonly name: string;
  /** Fault injected → client `disconnect`, ms. */
  readonly detectionMs: number;
  readonly disconnectReason: DisconnectReason;
  /** Fault healed (heal() settled) → client `connect` again, ms; 0 when the client was back before heal() settled. */
  readonly recoveryMs: number;
  /** Client → server stream over the whole run: `sent` seqs, and what the server got of them. */
  readonly sent: number;
  readonly upstream: StreamCounts;
  /** Seqs emitted while disconnected (they wait in the offline buffer). */
  readonly offlineSent: number;
  /** How many of those arrived exactly once. */
  readonly offlineDelivered: number;
  /** Whether they arrived in emit order. */
  readonly offlineInOrder: boolean;
  /** Lost seqs that were NOT emitted between the fault and its detection (must be 0: loss only in that window). */
  readonly lostOutsideWindow: number;
  /** Server → client `tick` stream, per server process, summed (loss = ticks missed, mostly during the outage). */
  readonly downstream: StreamCounts;
  /** The client socket (still connected; the caller closes its manager). */
  readonly socket: Socket;
}

/** Seq facts to see before injecting the fault, so the stream is flowing. */
const WARM_UP_MESSAGES = 20;

/** Give up on a step after this long, with a message saying which (a failure guard, far above every bound). */
const STEP_DEADLINE_MS = 8000;

/**
 * Run one fault against a seq-stamped stream in both directions (~100 msg/s
 * each way): connect, stream, inject, wait for the client to notice, keep
 * streaming into the offline buffer for `outageMs`, heal, wait for the
 * reconnection, stream a little more, then flush with an acked emit and
 * count. The caller asserts bounds on the returned report.
 *
 * @example
 * ```ts
 * const report = await runFaultScenario({ name: "kill", server, origin: server.origin, transports: ["websocket"],
 *   inject: () => server.kill(), heal: () => server.start(), outageMs: 500 });
 * ```
 */
export async function runFaultScenario(scenario: FaultScenario): Promise<FaultReport> {
  const { server } = scenario;
  const upstream = new SeqTally();
  const downstream = new Map<number, SeqTally>();
  const stopFacts = server.onFact((fact) => {
    if (fact.type === "seq") upstream.record(fact.n);
  });

  const socket = connect(scenario.origin, {
    forceNew: true,
    transports: scenario.transports,
    reconnectionDelay: 100,
    reconnectionDelayMax: 300,
    // Each attempt into a dead link or a frozen server gives up after 1 s, so one lands soon after healing.
    timeout: 1000,
  });
  socket.on("tick", (pid: number, n: number) => {
    const tally = downstream.get(pid) ?? new SeqTally();
    downstream.set(pid, tally);
    tally.record(n);
  });
  const sender = new SeqSender(socket);
  try {
    await once(socket, "connect");
    sender.start();
    await server.until(() => upstream.arrivals.length >= WARM_UP_MESSAGES);

    const injectedAt = performance.now();
    const disconnected = once<[DisconnectReason]>(socket, "disconnect");
    await scenario.inject();
    const [disconnectReason] = await withDeadline(disconnected, STEP_DEADLINE_MS, "the client never noticed the fault");
    const detectedAt = performance.now();

    // The outage itself: a duration of the fault, not a synchronisation.
    await delay(scenario.outageMs);
    const reconnected = once(socket, "connect");
    await scenario.heal();
    // After heal() settles: a restart's process spawn is not the client's recovery time.
    const healedAt = performance.now();
    await withDeadline(reconnected, STEP_DEADLINE_MS, "the client did not reconnect after the fault was healed");
    const recoveredAt = performance.now();

    const afterRecovery = sender.sent.length + WARM_UP_MESSAGES;
    await server.until(() => upstream.arrivals.some((n) => n > afterRecovery));
    sender.stop();
    await flush(socket, server);

    const sentNumbers = sender.sent.map((s) => s.n);
    const offline = sender.sent.filter((s) => s.offline).map((s) => s.n);
    const offlineSet = new Set(offline);
    const offlineArrivals = upstream.arrivals.filter((n) => offlineSet.has(n));
    const lostOutsideWindow = sender.sent.filter(
      (s) => upstream.count(s.n) === 0 && (s.offline || s.at < injectedAt || s.at > detectedAt),
    ).length;

    return {
      name: scenario.name,
      detectionMs: detectedAt - injectedAt,
      disconnectReason,
      recoveryMs: Math.max(0, recoveredAt - healedAt),
      sent: sentNumbers.length,
      upstream: upstream.counts(sentNumbers),
      offlineSent: offline.length,
      offlineDelivered: offline.filter((n) => upstream.count(n) === 1).length,
      offlineInOrder: offlineArrivals.every((n, i) => n === offline[i]),
      lostOutsideWindow,
      downstream: sum([...downstream.values()].map((tally) => tally.counts())),
      socket,
    };
  } catch (err) {
    socket.io.close();
    throw err;
  } finally {
    sender.stop();
    stopFacts();
  }
}

/** One line per scenario: the figures RELIABILITY.md §6 asks for. */
export function formatReport(report: FaultReport): string {
  const up = report.upstream;
  const down = report.downstream;
  return (
    `[fault] ${report.name}: detected in ${report.detectionMs.toFixed(0)} ms (${report.disconnectReason}), ` +
    `recovered ${report.recoveryMs.toFixed(0)} ms after heal; ` +
    `client→server sent ${report.sent} lost ${up.lost} dup ${up.duplicated} reordered ${up.reordered}, ` +
    `offline-buffered ${report.offlineSent} delivered ${report.offlineDelivered}${report.offlineInOrder ? " in order" : " OUT OF ORDER"}; ` +
    `server→client received ${down.received} missed ${down.lost} dup ${down.duplicated} reordered ${down.reordered}`
  );
}

/** An acked emit: when its ack is back, and the server has reported it over IPC, every earlier seq is reported. */
export async function flush(socket: Socket, server: ServerProcess): Promise<void> {
  const reported = server.waitFor((fact) => fact.type === "double" && fact.n === 21);
  const answer = await socket.timeout(3000).emitWithAck("double", 21);
  if (answer !== 42) throw new Error(`canary ack answered ${String(answer)}`);
  await reported;
}

// biome-ignore lint/suspicious/noExplicitAny: our socket's listener types are per event
function once<T extends unknown[] = unknown[]>(target: { once(event: any, listener: any): unknown }, event: string): Promise<T> {
  return new Promise((resolve) => target.once(event, (...args: unknown[]) => resolve(args as T)));
}

/** `promise`, or a rejection naming the step that hung. */
async function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function sum(all: StreamCounts[]): StreamCounts {
  return all.reduce(
    (a, b) => ({
      received: a.received + b.received,
      lost: a.lost + b.lost,
      duplicated: a.duplicated + b.duplicated,
      reordered: a.reordered + b.reordered,
    }),
    { received: 0, lost: 0, duplicated: 0, reordered: 0 },
  );
}
