import type { Codec } from "@cometa/protocol";
import type { BackoffPolicy } from "./backoff.js";
import type {
  ClientEngine,
  ClientEngineOptions,
  EngineCloseDetail,
  EngineCloseReason,
  TransportName,
} from "./engine/engine-contract.js";
import type { ConnectionError } from "./errors.js";

/**
 * The Manager owns one Engine.IO connection at a time, multiplexes the
 * namespace sockets over it and runs the reconnect loop.
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> closed
 *   closed --> opening: open-requested
 *   opening --> open: handshake
 *   opening --> waiting: connect-failed / connect-timeout
 *   opening --> closed: connect-failed / connect-timeout (no reconnection) / client-close
 *   open --> waiting: connection-lost / parse-error
 *   open --> closed: connection-lost (no reconnection) / client-close
 *   waiting --> opening: retry-due
 *   waiting --> closed: attempts-exhausted / client-close
 * ```
 */
export type ManagerState = "closed" | "opening" | "open" | "waiting";

/** Why the manager changed state. */
export type ManagerStateReason =
  | "open-requested" // open() (directly or through a socket's connect())
  | "retry-due" // the backoff timer fired
  | "handshake" // the engine completed the Engine.IO handshake
  | "connect-failed" // the engine closed before its handshake completed
  | "connect-timeout" // no handshake within `timeout`
  | "connection-lost" // the engine closed after the handshake
  | "parse-error" // the codec rejected a frame
  | "client-close" // close() was called, or every socket disconnected
  | "attempts-exhausted" // reconnectionAttempts reached
  | "reconnection-disabled"; // the connection ended and `reconnection` is false

/** Payload of the manager's `state` event. */
export interface ManagerStateChange {
  readonly from: ManagerState;
  readonly to: ManagerState;
  readonly reason: ManagerStateReason;
}

/** Reason passed with the manager's `close` event and the sockets' `disconnect` event. */
export type ManagerCloseReason = EngineCloseReason | "forced close";

/** Events of a {@link Manager}, as in socket.io-client. */
export interface ManagerEvents {
  /** The Engine.IO connection opened. */
  open: () => void;
  /** A connection attempt failed. */
  error: (err: ConnectionError) => void;
  /** An open connection ended. */
  close: (reason: ManagerCloseReason, detail?: EngineCloseDetail) => void;
  /** A reconnection attempt starts (1-based count). */
  reconnect_attempt: (attempt: number) => void;
  /** A reconnection attempt succeeded, after `attempt` attempts. */
  reconnect: (attempt: number) => void;
  /** A reconnection attempt failed. */
  reconnect_error: (err: ConnectionError) => void;
  /** `reconnectionAttempts` attempts failed; the manager stopped. */
  reconnect_failed: () => void;
  /** The transport in use changed (open, fallback or upgrade). */
  transport: (name: TransportName) => void;
  /** Every state transition, for logs and tests. */
  state: (change: ManagerStateChange) => void;
}

/** Builds one engine per connection attempt. */
export type EngineFactory = (options: ClientEngineOptions) => ClientEngine;

/**
 * Fully resolved manager options (see `connect()` for the user-facing ones
 * and defaults). They are also what each engine is opened with, and the
 * backoff policy of the reconnect loop.
 */
export interface ManagerOptions extends ClientEngineOptions, BackoffPolicy {
  readonly createEngine: EngineFactory;
  readonly codec: Codec;
  readonly reconnection: boolean;
  readonly reconnectionAttempts: number;
  /** Whether sockets connect as soon as they are created. */
  readonly autoConnect: boolean;
  /** Uniform [0, 1) source for jitter and message ids. */
  readonly random: () => number;
}
