/**
 * The IPC contract between the load runner and a client fleet process
 * (`load-client-main.ts`). Plain JSON-serialisable objects.
 */
import type { HistogramData } from "./latency-histogram.js";
import type { SeqTotals } from "./seq-tracker.js";

/** Arguments of `connect`: open `count` clients, spread round-robin over `urls`. */
export interface ConnectArgs {
  readonly urls: readonly string[];
  /** Node name of the server behind each of `urls`: ticks from another node count as cross-node latency. */
  readonly nodes?: readonly string[];
  readonly count: number;
  /** Transports, e.g. `["polling"]` for L6. Default WebSocket only. */
  readonly transports?: readonly ("websocket" | "polling")[];
  /** Rooms every client joins (acknowledged) once connected. */
  readonly rooms?: readonly string[];
  /** Connections opened per second (RELIABILITY.md L1: ramp 500/s). */
  readonly ratePerSec: number;
}

/** What `connect` answers. */
export interface ConnectResult {
  readonly connected: number;
  readonly failed: number;
  readonly errorSamples: readonly string[];
}

/** Arguments of `report`: how many ticks each publisher node sent, for the loss count. */
export interface ReportArgs {
  readonly sent: Readonly<Record<string, number>>;
}

/** The fleet's totals. */
export interface FleetReport {
  readonly clients: number;
  readonly connected: number;
  /** Disconnects the fleet did not ask for (server, transport, ping timeout). */
  readonly unexpectedDisconnects: number;
  readonly disconnectReasons: Readonly<Record<string, number>>;
  /** Tick totals summed over clients and publisher nodes. */
  readonly ticks: SeqTotals;
  readonly latency: HistogramData;
  /** Latency of ticks published by another node than the client's own (L5). */
  readonly crossLatency: HistogramData;
}

/** Arguments of `acks`: every client emits `echo` with an ack, and `ask-back`, `ratePerSec` times a second. */
export interface AckArgs {
  readonly ratePerSec: number;
  readonly durationMs: number;
}

/** What `acks` answers once every ack it asked for settled. */
export interface AckResult {
  readonly sent: number;
  readonly answered: number;
  readonly failed: number;
  /** `q` asks from the server that the fleet answered. */
  readonly questionsAnswered: number;
  /** Client acks neither answered nor failed when the run ended (must be 0). */
  readonly pending: number;
  /** Emits still in the clients' offline buffers (must be 0). */
  readonly buffered: number;
  readonly rtt: HistogramData;
  /** CPU the fleet process used during the run (user + system), ms: what the generator cost. */
  readonly cpuMs: number;
}

/** Arguments of `churn`: `ratePerSec` times a second a new client connects, joins `roomsPerClient` fresh rooms and disconnects. */
export interface ChurnArgs {
  readonly url: string;
  readonly ratePerSec: number;
  readonly durationMs: number;
  readonly roomsPerClient: number;
}

/** What `churn` answers. */
export interface ChurnResult {
  readonly cycles: number;
  readonly failed: number;
  readonly errorSamples: readonly string[];
}
