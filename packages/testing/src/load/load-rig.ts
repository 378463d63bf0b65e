/**
 * The load harness seen from a test: servers under load and client fleets,
 * each in its own process, with RSS/CPU sampled from `/proc` and the
 * servers' probes over IPC. One `stop()` tears everything down.
 *
 * @example
 * ```ts
 * const rig = await LoadRig.start({ servers: [{ ...HEARTBEAT }], fleets: 2 });
 * await rig.connect({ count: 2000, ratePerSec: 500, rooms: ["r"] });
 * await rig.servers[0].call("stream", { room: "r", ratePerSec: 10 });
 * const report = await rig.report({ node: sent });
 * await rig.stop();
 * ```
 */
import { LatencyHistogram } from "./latency-histogram.js";
import type { ConnectArgs, ConnectResult, FleetReport } from "./load-client-protocol.js";
import { LoadProcess } from "./load-process.js";
import type { LoadServerConfig, LoadServerProbe } from "./load-server-protocol.js";
import { ProcSampler } from "./proc-stats.js";
import { addTotals, emptyTotals, type SeqTotals } from "./seq-tracker.js";

/** What a server child reports when it listens. */
export interface ServerReady {
  readonly port: number;
  readonly node: string;
}

/** Fleet reports summed over processes. */
export interface MergedReport {
  readonly clients: number;
  readonly connected: number;
  readonly unexpectedDisconnects: number;
  readonly disconnectReasons: Record<string, number>;
  readonly ticks: SeqTotals;
  readonly latency: LatencyHistogram;
  readonly crossLatency: LatencyHistogram;
}

/** Servers and client fleets of one load row. */
export class LoadRig {
  private constructor(
    readonly servers: readonly LoadProcess<ServerReady>[],
    readonly fleets: readonly LoadProcess[],
    /** One `/proc` sampler per server, started at once. */
    readonly samplers: readonly ProcSampler[],
  ) {}

  /** Starts the servers (`node` names default to `s0`, `s1` …), then `fleets` client processes. */
  static async start(options: { servers: readonly LoadServerConfig[]; fleets: number }): Promise<LoadRig> {
    const servers: LoadProcess<ServerReady>[] = [];
    const fleets: LoadProcess[] = [];
    try {
      for (const [index, config] of options.servers.entries()) {
        servers.push(await LoadProcess.start<ServerReady>("load-server-main", { node: `s${index}`, ...config }));
      }
      for (let i = 0; i < options.fleets; i++) fleets.push(await LoadProcess.start("load-client-main", {}));
    } catch (error) {
      await Promise.all([...servers, ...fleets].map((child) => child.stop()));
      throw error;
    }
    const samplers = servers.map((server) => new ProcSampler(server.pid));
    for (const sampler of samplers) sampler.start();
    return new LoadRig(servers, fleets, samplers);
  }

  /** `http://127.0.0.1:<port>` of server `index`. */
  url(index = 0): string {
    return `http://127.0.0.1:${this.servers[index]?.ready.port}`;
  }

  /** Server `index`'s probe (after a full GC when `gc`). */
  probe(index = 0, gc = false): Promise<LoadServerProbe> {
    const server = this.servers[index];
    if (server === undefined) throw new RangeError(`no server ${index}`);
    return server.call<LoadServerProbe>("probe", { gc });
  }

  /** Opens `count` clients split evenly over the fleets (each spreads its share over `urls`, default every server). */
  async connect(args: Omit<ConnectArgs, "urls"> & { urls?: readonly string[] }): Promise<ConnectResult> {
    const urls = args.urls ?? this.servers.map((_, index) => this.url(index));
    const nodes = args.urls === undefined ? this.servers.map((server) => server.ready.node) : undefined;
    const share = Math.ceil(args.count / this.fleets.length);
    const results = await Promise.all(
      this.fleets.map((fleet, index) => {
        const count = Math.max(0, Math.min(share, args.count - index * share));
        return fleet.call<ConnectResult>("connect", { ...args, urls, nodes, count, ratePerSec: args.ratePerSec / this.fleets.length });
      }),
    );
    return {
      connected: results.reduce((sum, r) => sum + r.connected, 0),
      failed: results.reduce((sum, r) => sum + r.failed, 0),
      errorSamples: results.flatMap((r) => r.errorSamples).slice(0, 5),
    };
  }

  /** Every fleet's report, summed; `sent` is how many ticks each publisher node sent. */
  async report(sent: Readonly<Record<string, number>>): Promise<MergedReport> {
    const reports = await Promise.all(this.fleets.map((fleet) => fleet.call<FleetReport>("report", { sent })));
    const latency = new LatencyHistogram();
    const crossLatency = new LatencyHistogram();
    const ticks = emptyTotals();
    const disconnectReasons: Record<string, number> = {};
    for (const report of reports) {
      latency.merge(report.latency);
      crossLatency.merge(report.crossLatency);
      addTotals(ticks, report.ticks);
      for (const [reason, count] of Object.entries(report.disconnectReasons)) disconnectReasons[reason] = (disconnectReasons[reason] ?? 0) + count;
    }
    return {
      clients: reports.reduce((sum, r) => sum + r.clients, 0),
      connected: reports.reduce((sum, r) => sum + r.connected, 0),
      unexpectedDisconnects: reports.reduce((sum, r) => sum + r.unexpectedDisconnects, 0),
      disconnectReasons,
      ticks,
      latency,
      crossLatency,
    };
  }

  /** Disconnects every fleet's clients on purpose. */
  async closeClients(): Promise<void> {
    await Promise.all(this.fleets.map((fleet) => fleet.call("close")));
  }

  /** Stops samplers, fleets and servers. */
  async stop(): Promise<void> {
    for (const sampler of this.samplers) sampler.stop();
    await Promise.all(this.fleets.map((fleet) => fleet.stop()));
    await Promise.all(this.servers.map((server) => server.stop()));
  }
}

/** Polls `read` every 100 ms until `done` holds or `timeoutMs` passes; resolves with the last value read. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || performance.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
