import type { Room } from "./adapter.js";
import type { ClusterMessage } from "./cluster-message.js";

/**
 * The transport under a cluster adapter: two required methods, no knowledge of
 * the cluster protocol. A Redis backplane maps them to PUBLISH/SUBSCRIBE on a
 * channel per namespace plus one per node; the in-memory one (tests) to a
 * shared bus.
 *
 * Echo suppression is the adapter's job (it drops messages carrying its own
 * `uid`), so a backplane may deliver a node's own broadcasts back to it.
 *
 * Two optional capabilities make a backplane cheaper and more observable:
 * - room routing ({@link Backplane.publishToRooms}, {@link Backplane.joinRoom},
 *   {@link Backplane.leaveRoom}): a plain room broadcast reaches only the nodes
 *   that have members in one of its rooms (Redis: a channel per room);
 * - health ({@link Backplane.watch}): the adapter hears when the transport
 *   goes down and comes back, and reports it.
 */
export interface Backplane {
  /**
   * Send `message` to every node of `message.nsp`, or only to node `target`
   * (responses). Failures reject; the adapter reports them and carries on.
   */
  publish(message: ClusterMessage, target?: string): void | Promise<void>;
  /**
   * Deliver the messages of namespace `nsp` addressed to everyone or to node
   * `uid` (and, with room routing, to the rooms `uid` joined) to `handler`.
   * Returns the function that unsubscribes.
   */
  subscribe(nsp: string, uid: string, handler: (message: ClusterMessage) => void): () => void | Promise<void>;
  /**
   * Room routing: send a broadcast only to the nodes that joined one of
   * `rooms` (never empty). A node in several of them gets it once. Without
   * this method the adapter uses {@link Backplane.publish}.
   */
  publishToRooms?(message: ClusterMessage, rooms: readonly Room[]): void | Promise<void>;
  /** Room routing: node `uid` of `nsp` now has a local member in `room` (called once per room). */
  joinRoom?(nsp: string, uid: string, room: Room): void;
  /** Room routing: node `uid` of `nsp` has no local member left in `room`. */
  leaveRoom?(nsp: string, uid: string, room: Room): void;
  /**
   * Health: call `listener` at once with the current status, then whenever
   * the transport's health changes (not on every failure). A status with
   * reason `"connecting"` means "not connected yet" (publish failures are
   * expected and not reported). Returns the function that stops watching.
   */
  watch?(listener: (status: BackplaneStatus) => void): () => void;
}

/** What {@link Backplane.watch} reports. */
export interface BackplaneStatus {
  /** Whether cross-node traffic can flow. */
  readonly healthy: boolean;
  /** Why, as a stable string (e.g. `"ping-timeout"`, `"connection-closed"`, `"ready"`). */
  readonly reason: string;
  /** The error behind an unhealthy status, when there is one. */
  readonly error?: unknown;
}
