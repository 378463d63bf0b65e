/**
 * The `connectionStateRecovery` server option (Socket.IO 4 names and
 * defaults, PROTOCOL.md §4.7), resolved once at start.
 */

/** What the application passes as `connectionStateRecovery`. */
export interface ConnectionStateRecoveryOptions {
  /** How long a disconnected session stays recoverable, ms. Default 120 000 (2 minutes). */
  readonly maxDisconnectionDuration?: number;
  /** Skip namespace middleware for a recovered socket. Default true. */
  readonly skipMiddlewares?: boolean;
}

/** {@link ConnectionStateRecoveryOptions} with defaults applied. */
export interface ResolvedRecoveryOptions {
  readonly maxDisconnectionDuration: number;
  readonly skipMiddlewares: boolean;
}

/** Default `maxDisconnectionDuration`: 2 minutes, as Socket.IO and Ably use. */
export const DEFAULT_MAX_DISCONNECTION_DURATION = 120_000;

/**
 * Apply defaults; `undefined` or `false` means recovery is off.
 *
 * @example
 * ```ts
 * resolveRecoveryOptions({ maxDisconnectionDuration: 3000 }); // { maxDisconnectionDuration: 3000, skipMiddlewares: true }
 * ```
 */
export function resolveRecoveryOptions(
  options: ConnectionStateRecoveryOptions | boolean | undefined,
): ResolvedRecoveryOptions | undefined {
  if (options === undefined || options === false) return undefined;
  const given = options === true ? {} : options;
  const duration = given.maxDisconnectionDuration ?? DEFAULT_MAX_DISCONNECTION_DURATION;
  if (!Number.isFinite(duration) || duration <= 0) {
    throw new RangeError(`connectionStateRecovery.maxDisconnectionDuration must be a positive number of ms, got ${duration}`);
  }
  return { maxDisconnectionDuration: duration, skipMiddlewares: given.skipMiddlewares ?? true };
}

/**
 * Cometa's disconnect reason for sockets whose instance missed logged
 * broadcasts it could not read back (Centrifugo's "insufficient state"): the
 * connection is closed so the client reconnects and recovers through the log
 * (or learns `recovered = false` and resyncs).
 */
export const INSUFFICIENT_STATE = "insufficient state";

/**
 * Disconnect reasons after which a session is kept for recovery: the
 * connection was lost or cut, not ended on purpose (socket.io's list, plus
 * {@link INSUFFICIENT_STATE}).
 */
export const RECOVERABLE_REASONS: ReadonlySet<string> = new Set([
  "transport error",
  "transport close",
  "forced close",
  "ping timeout",
  "server shutting down",
  "forced server close",
  INSUFFICIENT_STATE,
]);

/** Whether a socket that disconnected for `reason` may be recovered later. */
export function isRecoverableReason(reason: string): boolean {
  return RECOVERABLE_REASONS.has(reason);
}
