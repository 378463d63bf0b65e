/**
 * The IPC messages between the fuzz runner and the server under fuzz
 * (`fuzz-server-main.ts`). Plain JSON-serialisable objects.
 */

/** Options of the server under fuzz, passed in the `COMETA_FUZZ_SERVER` environment variable. */
export interface ServerConfig {
  /** Engine.IO ping period, ms (also the upgrade, connect and close timeouts' unit). */
  readonly pingInterval: number;
  /** Engine.IO pong deadline, ms. */
  readonly pingTimeout: number;
  /** Largest HTTP body / WebSocket message, bytes. */
  readonly maxPayload: number;
  /**
   * Self-test hooks for the harness's own tests: events `__crash` (an
   * uncaught exception on the next tick) and `__stall` (blocks the event
   * loop for the given ms). Never on in a real run.
   */
  readonly selfTest?: boolean;
}

/** Runner → server. `gc` runs a full collection first (the child runs with `--expose-gc`). */
export type ServerCommand = { readonly type: "probe"; readonly gc?: boolean } | { readonly type: "stop" };

/** Server → runner, once listening. */
export interface ReadyMessage {
  readonly type: "ready";
  readonly port: number;
}

/** Server → runner, the answer to a probe. Event-loop figures cover the time since the previous probe. */
export interface ProbeReply {
  readonly type: "probe";
  readonly eventLoopMaxMs: number;
  readonly eventLoopP99Ms: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Open Engine.IO sessions. */
  readonly sessions: number;
  /** Connected sockets in the static namespaces. */
  readonly sockets: number;
  /** Errors that reached `onError` (listener errors, or server bugs caught at a boundary). */
  readonly listenerErrors: number;
  readonly errorSamples: readonly string[];
  /** Sockets accepted since start (namespaces joined by fuzz sessions and canaries). */
  readonly connections: number;
  /** Events dispatched to the app's handlers since start. */
  readonly events: number;
}
