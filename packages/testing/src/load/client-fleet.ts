/**
 * A fleet of load clients in one process: opens them at a fixed rate, runs
 * ack load and connect/join/disconnect churn, and totals what they saw.
 */
import { LatencyHistogram } from "./latency-histogram.js";
import type { AckArgs, AckResult, ChurnArgs, ChurnResult, ConnectArgs, ConnectResult, FleetReport, ReportArgs } from "./load-client-protocol.js";
import { type FleetCounters, FleetClient } from "./fleet-client.js";
import { addTotals, emptyTotals } from "./seq-tracker.js";

const BATCH_MS = 20;
const SETTLE_MS = 15_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `done()` holds, checking every 20 ms, or after `timeoutMs`. */
async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await sleep(BATCH_MS);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
}

/** The clients of one process. */
export class ClientFleet {
  private readonly clients: FleetClient[] = [];
  private readonly counters: FleetCounters = {
    unexpectedDisconnects: 0,
    disconnectReasons: {},
    questionsAnswered: 0,
    latency: new LatencyHistogram(),
    crossLatency: new LatencyHistogram(),
  };

  /** Opens `count` clients at `ratePerSec` (batches every 20 ms) and waits until all are connected and joined. */
  async connect({ urls, nodes = [], count, transports = ["websocket"], rooms = [], ratePerSec }: ConnectArgs): Promise<ConnectResult> {
    // Each outcome is settled into an error text at once: a rejection left unhandled while later batches open would end the process.
    const readies: Promise<string | undefined>[] = [];
    const startedAt = performance.now();
    for (let opened = 0; opened < count; ) {
      // Catch up with the schedule rather than a fixed batch: timers run late on a busy machine.
      const due = Math.min(count, Math.ceil(((performance.now() - startedAt) * ratePerSec) / 1000) + 1);
      for (; opened < due; opened++) {
        const index = this.clients.length % urls.length;
        const client = new FleetClient(urls[index] ?? "", nodes[index], transports, this.counters);
        this.clients.push(client);
        readies.push(client.ready(rooms).then(() => undefined, describe));
      }
      await sleep(BATCH_MS);
    }
    const errors = (await Promise.all(readies)).filter((error): error is string => error !== undefined);
    return { connected: count - errors.length, failed: errors.length, errorSamples: errors.slice(0, 5) };
  }

  /** Totals over every client; ticks from a node count as lost when a seq below `sent[node]` never arrived. */
  report({ sent }: ReportArgs): FleetReport {
    const ticks = emptyTotals();
    for (const client of this.clients) {
      for (const [node, count] of Object.entries(sent)) {
        const tracker = client.trackers.get(node);
        if (tracker === undefined) addTotals(ticks, { received: 0, lost: count, dup: 0, reordered: 0 });
        else addTotals(ticks, tracker.totals(count));
      }
    }
    return {
      clients: this.clients.length,
      connected: this.clients.filter((client) => client.socket.connected).length,
      unexpectedDisconnects: this.counters.unexpectedDisconnects,
      disconnectReasons: this.counters.disconnectReasons,
      ticks,
      latency: this.counters.latency.toData(),
      crossLatency: this.counters.crossLatency.toData(),
    };
  }

  /** Every client emits `echo` (with an ack) and `ask-back` `ratePerSec` times a second for `durationMs`, then waits for the acks. */
  async acks({ ratePerSec, durationMs }: AckArgs): Promise<AckResult> {
    const rtt = new LatencyHistogram();
    let sent = 0;
    let answered = 0;
    let failed = 0;
    const questionsBefore = this.counters.questionsAnswered;
    const onReply = (startedAt: number): void => {
      answered++;
      rtt.record(performance.now() - startedAt);
    };
    const onFail = (): void => {
      failed++;
    };
    const round = (): void => {
      for (const client of this.clients) {
        if (!client.socket.connected) continue;
        const startedAt = performance.now();
        sent++;
        client.socket
          .timeout(10_000)
          .emitWithAck("echo", sent)
          .then(() => onReply(startedAt), onFail);
        client.socket.emit("ask-back", sent);
      }
    };
    const timer = setInterval(round, 1000 / ratePerSec);
    await sleep(durationMs);
    clearInterval(timer);
    await until(() => answered + failed === sent, SETTLE_MS);
    return {
      sent,
      answered,
      failed,
      questionsAnswered: this.counters.questionsAnswered - questionsBefore,
      pending: sent - answered - failed,
      buffered: this.clients.reduce((sum, client) => sum + client.socket.bufferedCount, 0),
      rtt: rtt.toData(),
    };
  }

  /** Connect + join fresh rooms + disconnect, `ratePerSec` times a second for `durationMs`. */
  async churn({ url, ratePerSec, durationMs, roomsPerClient }: ChurnArgs): Promise<ChurnResult> {
    let started = 0;
    let cycles = 0;
    const errors: string[] = [];
    const cycle = async (n: number): Promise<void> => {
      const client = new FleetClient(url, undefined, ["websocket"], this.counters);
      try {
        await client.ready(Array.from({ length: roomsPerClient }, (_, i) => `churn-${n}-${i}`));
        cycles++;
      } catch (error) {
        errors.push(describe(error));
      } finally {
        client.close();
      }
    };
    const inFlight = new Set<Promise<void>>();
    const startedAt = performance.now();
    while (performance.now() < startedAt + durationMs) {
      const due = Math.ceil(((performance.now() - startedAt) * ratePerSec) / 1000);
      for (; started < due; ) {
        const run = cycle(started++);
        inFlight.add(run);
        void run.finally(() => inFlight.delete(run));
      }
      await sleep(BATCH_MS);
    }
    await Promise.all(inFlight);
    return { cycles, failed: errors.length, errorSamples: errors.slice(0, 5) };
  }

  /** Disconnects every client on purpose. */
  close(): void {
    for (const client of this.clients) client.close();
  }
}
