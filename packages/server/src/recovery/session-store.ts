/**
 * The session store contract: what a recoverable socket leaves behind when
 * its connection is lost, kept for `maxDisconnectionDuration` and taken
 * (read once, then gone) by the socket that reconnects with its `pid`.
 * Implementations: {@link MemorySessionStore} and the Redis store in
 * `@cometa/redis` (any instance can take a session another one saved).
 */

/** A disconnected socket's state. */
export interface SessionRecord {
  /** Private session id, secret to the client (sent in CONNECT as `pid`). */
  readonly pid: string;
  /** Public socket id, reused on recovery. */
  readonly sid: string;
  readonly nsp: string;
  /** Rooms the socket was in (its own id included or not; both work). */
  readonly rooms: readonly string[];
  /** `socket.data`. Must survive the store's encoding (structured-clone values for Redis). */
  readonly data: unknown;
}

/** Where disconnected sessions wait for their client. */
export interface SessionStore {
  /**
   * True when saved sessions outlive this process (Redis): the server then
   * also saves the sessions of connected sockets (at connect, after joins and
   * leaves, and periodically), so an instance that dies without closing them
   * leaves them restorable on another. Absent or false: saved on disconnect only.
   */
  readonly durable?: boolean;
  /** Keep `session` for `ttlMs`; a newer save under the same pid replaces it. */
  save(session: SessionRecord, ttlMs: number): Promise<void>;
  /** Read and delete the session (at most one reconnection gets it); undefined when absent or expired. */
  take(pid: string): Promise<SessionRecord | undefined>;
}
