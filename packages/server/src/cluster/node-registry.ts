import type { Clock } from "../clock.js";
import { type ClusterMessage, ClusterMessageType as T } from "./cluster-message.js";

/**
 * The other nodes of a namespace, as heartbeats reveal them. A node is alive
 * while it was heard from within `timeout` ms; liveness is computed when asked,
 * so a request sent two heartbeats after a node died no longer waits for it.
 *
 * Only heartbeats and responses make a node known: emitters (workers that
 * publish but never answer) must never be waited for.
 */
export class NodeRegistry {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly timeout: number,
  ) {}

  /**
   * Update liveness from any message: heartbeats and responses prove a node,
   * a goodbye removes it, anything else only refreshes a known node (emitters
   * never become nodes). Returns `"up"` for a new (or returning) node, `"down"`
   * for one that said goodbye.
   */
  observe(message: ClusterMessage): "up" | "down" | undefined {
    const from = message.uid;
    switch (message.type) {
      case T.ADAPTER_CLOSE:
        return this.remove(from) ? "down" : undefined;
      case T.INITIAL_HEARTBEAT:
      case T.HEARTBEAT:
      case T.FETCH_SOCKETS_RESPONSE:
      case T.SERVER_SIDE_EMIT_RESPONSE:
      case T.BROADCAST_CLIENT_COUNT:
      case T.BROADCAST_ACK:
        return this.touch(from) ? "up" : undefined;
      default:
        this.refresh(from);
        return undefined;
    }
  }

  /** A heartbeat or a response from `uid`. Returns true when the node is new (or back). */
  touch(uid: string): boolean {
    const isNew = !this.seen.has(uid);
    this.seen.set(uid, this.clock.now());
    return isNew;
  }

  /** Any other message from `uid`: refreshes a known node, ignores strangers. */
  refresh(uid: string): void {
    if (this.seen.has(uid)) this.seen.set(uid, this.clock.now());
  }

  /** `uid` said goodbye. Returns whether it was known. */
  remove(uid: string): boolean {
    return this.seen.delete(uid);
  }

  /** Forget nodes silent for longer than the timeout; returns their ids. */
  expire(): string[] {
    const deadline = this.clock.now() - this.timeout;
    const gone: string[] = [];
    for (const [uid, at] of this.seen) {
      if (at <= deadline) {
        this.seen.delete(uid);
        gone.push(uid);
      }
    }
    return gone;
  }

  /** Ids of the live nodes (silent ones are left out but kept until `expire()`). */
  alive(): string[] {
    const deadline = this.clock.now() - this.timeout;
    const ids: string[] = [];
    for (const [uid, at] of this.seen) if (at > deadline) ids.push(uid);
    return ids;
  }

  /** Whether `uid` is a known, live node. */
  isAlive(uid: string): boolean {
    const at = this.seen.get(uid);
    return at !== undefined && at > this.clock.now() - this.timeout;
  }
}
