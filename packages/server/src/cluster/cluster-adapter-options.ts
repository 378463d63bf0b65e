import type { LocalSocket, SocketDetails } from "./adapter.js";
import type { BackplaneStatus } from "./backplane.js";

/** Options of {@link ClusterAdapter}. */
export interface ClusterAdapterOptions {
  /** How often a node announces itself, ms. Default 5000. */
  readonly heartbeatInterval?: number;
  /**
   * A node silent for this long is considered gone, ms: requests stop waiting
   * for it and its sockets leave cluster-wide answers. Default two heartbeat
   * intervals.
   */
  readonly heartbeatTimeout?: number;
  /** How long `fetchSockets` / `serverSideEmit` replies and unanswered broadcast acks are awaited, ms. Default 5000. */
  readonly requestsTimeout?: number;
}

/** Payload of the `partial-response` event: a cluster request ended without some nodes' answers. */
export interface PartialResponseContext {
  readonly operation: "fetchSockets" | "serverSideEmit";
  readonly requestId: string;
  /** Ids of the nodes that did not answer. */
  readonly missing: readonly string[];
  /** How many answers arrived. */
  readonly received: number;
  readonly reason: "node-down" | "timeout" | "unreachable" | "closed";
}

/** What `fetchSocketsDetailed` resolves with: the sockets plus whether every node answered. */
export interface FetchSocketsResult {
  readonly sockets: (LocalSocket | SocketDetails)[];
  /** Nodes that were alive when asked but did not answer. Empty for a complete answer. */
  readonly missing: readonly string[];
}

/** Events of a cluster adapter beyond the room lifecycle ones. */
export interface ClusterAdapterEvents {
  /** A request ended without some nodes' answers (the call still resolved with what arrived). */
  "partial-response": (context: PartialResponseContext) => void;
  /** A node appeared (first heartbeat) or came back. */
  "node-up": (uid: string) => void;
  /** A node left (closed, or silent for `heartbeatTimeout`). */
  "node-down": (uid: string) => void;
  /** The backplane's health changed (also reported once per outage through the server's `onError`). */
  backplane: (status: BackplaneStatus) => void;
}
