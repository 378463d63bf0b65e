/**
 * A fleet of load clients in one process: opens them at a fixed rate, runs
 * ack load and connect/join/disconnect churn, and totals what they saw.
 */
import { LatencyHistogram } from "./latency-histogram.js";
import { createLeanFetch } from "./lean-fetch.js";
import type { AckArgs, AckResult, ChurnArgs, ChurnResult, ConnectArgs, ConnectResult, FleetReport, ReportArgs } from "./load-client-protocol.js";
import { type FleetCounters, FleetClient } from "./fleet-client.js";
import { addTotals, emptyTotals } from "./seq-tracker.js";

const BATCH_MS = 20;
const SETTLE_MS = 15_000;
/** How often `acks()` sends the slice of asks that fell due. */
const PACE_MS = 5;
/** The most asks `acks()` sends late, in ms of schedule: more is dropped (it would be a burst, not a rate). */
const CATCH_UP_MS = 250;
/** How long `close()` lets farewell POSTs and aborted GETs finish before it closes the idle HTTP connections. */
const HTTP_DRAIN_MS = 5_000;

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
  /** One keep-alive HTTP client for every polling client of the process. */
  private readonly fetch = createLeanFetch();
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
        const client = new FleetClient(urls[index] ?? "", nodes[index], transports, this.counters, this.fetch);
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

  /**
   * Every client emits `echo` (with an ack) and `ask-back` `ratePerSec` times
   * a second for `durationMs`, then waits for the acks. The asks are paced
   * over each second (a slice every {@link PACE_MS}) rather than sent in one
   * burst per round, and a late timer catches up (the machine is shared, so
   * the process is sometimes descheduled); a backlog beyond
   * {@link CATCH_UP_MS} of asks is dropped, never sent in a burst, so `sent`
   * shows the rate the generator sustained.
   *
   * Each ask carries its number `n`, which the server's ack echoes: one shared
   * ack callback finds the send time in a table, so an ask costs no closure,
   * promise or timer of its own. An ack that never comes stays `pending`.
   */
  async acks({ ratePerSec, durationMs }: AckArgs): Promise<AckResult> {
    const cpuBefore = process.cpuUsage();
    const rtt = new LatencyHistogram();
    const { clients } = this;
    const perRound = clients.length;
    const planned = Math.floor((perRound * ratePerSec * durationMs) / 1000);
    const askedAt = new Float64Array(planned + perRound + 1);
    let sent = 0;
    let answered = 0;
    let failed = 0;
    const questionsBefore = this.counters.questionsAnswered;
    const onEcho = (n: unknown): void => {
      if (typeof n !== "number" || !(n > 0 && n <= sent)) {
        failed++; // an answer that is not one of our asks: the ack is broken
        return;
      }
      answered++;
      rtt.record(performance.now() - askedAt[n]!);
    };
    const maxBacklog = Math.ceil((perRound * ratePerSec * CATCH_UP_MS) / 1000);
    let issued = 0; // asks scheduled so far, sent or skipped; `issued % perRound` is the next client
    const startedAt = performance.now();
    const pace = (): void => {
      const due = Math.min(planned, Math.floor(((performance.now() - startedAt) * perRound * ratePerSec) / 1000));
      if (due - issued > maxBacklog) issued = due - maxBacklog;
      for (; issued < due; issued++) {
        const client = clients[issued % perRound]!;
        if (!client.socket.connected) continue;
        sent++;
        askedAt[sent] = performance.now();
        client.socket.emit("echo", sent, onEcho);
        client.socket.emit("ask-back", sent);
      }
    };
    const timer = setInterval(pace, PACE_MS);
    await sleep(durationMs);
    clearInterval(timer);
    pace();
    await until(() => answered + failed === sent, SETTLE_MS);
    const cpu = process.cpuUsage(cpuBefore);
    return {
      sent,
      answered,
      failed,
      questionsAnswered: this.counters.questionsAnswered - questionsBefore,
      pending: sent - answered - failed,
      buffered: clients.reduce((sum, client) => sum + client.socket.bufferedCount, 0),
      rtt: rtt.toData(),
      cpuMs: (cpu.user + cpu.system) / 1000,
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

  /**
   * Disconnects every client on purpose, then, once their last HTTP requests
   * finished, closes the idle keep-alive connections (as undici's fetch does
   * after its keep-alive timeout), so the server's fds can return to baseline.
   */
  async close(): Promise<void> {
    for (const client of this.clients) client.close();
    const { agent } = this.fetch;
    await until(() => Object.keys(agent.sockets).length === 0, HTTP_DRAIN_MS);
    agent.destroy();
  }
}
