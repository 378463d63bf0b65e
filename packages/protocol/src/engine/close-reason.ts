/** Why an Engine.IO session ended, as the reference server names it (PROTOCOL.md §2.8, §3.5). */
export type EngineCloseReason =
  | "ping timeout"
  | "transport error"
  | "transport close"
  | "forced close"
  | "parse error"
  | "server shutting down"
  | "forced server close"
  /** Cometa: the peer could not keep up and its send buffer passed the hard limit. */
  | "slow consumer"
  /** Cometa: a message above `maxPayload`. */
  | "message too big";
