/**
 * The IPC contract between the load runner and the server under load
 * (`load-server-main.ts`). Plain JSON-serialisable objects.
 */

/** Options of the server under load, passed in `COMETA_LOAD_CONFIG`. */
export interface LoadServerConfig {
  /** Engine.IO ping period, ms (RELIABILITY.md §4: 1000 in tests). */
  readonly pingInterval: number;
  /** Engine.IO pong deadline, ms. */
  readonly pingTimeout: number;
  /** Redis URL: the server uses `@cometa/redis` when given, the in-memory adapter otherwise. */
  readonly redisUrl?: string;
  /** Name of this node, stamped in its stream messages (cross-node rows tell publishers apart). */
  readonly node?: string;
}

/** The server's own view, the test-only equivalent of a `/metrics` route. */
export interface LoadServerProbe {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Event-loop delay since the previous probe, ms beyond the 10 ms sampling period. */
  readonly eventLoopP99Ms: number;
  readonly eventLoopMaxMs: number;
  /** Open Engine.IO sessions. */
  readonly sessions: number;
  /** Connected sockets in namespace `/`. */
  readonly sockets: number;
  /** Rooms in namespace `/`'s adapter (each socket's own room included). */
  readonly rooms: number;
  /** Server→client acks still waiting for the client, summed over sockets. */
  readonly pendingAcks: number;
  /** Server→client acks asked, answered and failed (timeout, disconnect) since start. */
  readonly acksAsked: number;
  readonly acksAnswered: number;
  readonly acksFailed: number;
  /** Live Node timers, unref'd ones included (tracked with an async hook). */
  readonly timers: number;
  /** Open file descriptors. */
  readonly fds: number;
  /** Sockets accepted and disconnected since start. */
  readonly connections: number;
  readonly disconnects: number;
  /** Errors that reached `onError`. */
  readonly listenerErrors: number;
  readonly errorSamples: readonly string[];
}

/** Arguments of the `stream` command: broadcast `tick` to `room` at `ratePerSec` until `stopStream`. */
export interface StreamArgs {
  readonly room: string;
  readonly ratePerSec: number;
  /** Padding bytes in each message (RELIABILITY.md L2: payload 100 B). */
  readonly padding?: number;
}

/** Payload of a `tick`: publisher node, seq from 0, send time (epoch ms, sub-ms), padding. */
export interface TickPayload {
  readonly n: string;
  readonly s: number;
  readonly t: number;
  readonly p: string;
}

/** Epoch milliseconds with sub-millisecond precision, comparable across processes on one host. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
