import type { ClusterMessage } from "./cluster-message.js";

/**
 * The transport under a cluster adapter: two methods, no knowledge of the
 * cluster protocol. A Redis backplane maps them to PUBLISH/SUBSCRIBE on a
 * channel per namespace plus one per node; the in-memory one (tests) to a
 * shared bus.
 *
 * Echo suppression is the adapter's job (it drops messages carrying its own
 * `uid`), so a backplane may deliver a node's own broadcasts back to it.
 */
export interface Backplane {
  /**
   * Send `message` to every node of `message.nsp`, or only to node `target`
   * (responses). Failures reject; the adapter reports them and carries on.
   */
  publish(message: ClusterMessage, target?: string): void | Promise<void>;
  /**
   * Deliver the messages of namespace `nsp` addressed to everyone or to node
   * `uid` to `handler`. Returns the function that unsubscribes.
   */
  subscribe(nsp: string, uid: string, handler: (message: ClusterMessage) => void): () => void | Promise<void>;
}
