import type { Room } from "./adapter.js";
import type { Backplane } from "./backplane.js";
import type { ClusterMessage } from "./cluster-message.js";

interface Subscriber {
  readonly nsp: string;
  readonly uid: string;
  readonly handler: (message: ClusterMessage) => void;
  /** Rooms this node has local members in (room routing). */
  readonly rooms: Set<Room>;
}

/** A {@link Backplane} whose traffic can be inspected (tests). */
export interface MemoryBackplane extends Backplane {
  /** How many messages each node received, by uid (room-routing checks). */
  readonly received: ReadonlyMap<string, number>;
  /** The rooms node `uid` is subscribed to. */
  roomsOf(uid: string): ReadonlySet<Room>;
}

/**
 * A backplane for several servers in one process (tests, demos). Delivery is
 * asynchronous (a microtask) and each subscriber gets a structured clone, so
 * it behaves like a network: no shared objects, no re-entrant calls. It routes
 * room broadcasts like the Redis backplane does: only to nodes that joined
 * one of the rooms, once per node.
 *
 * @example
 * ```ts
 * const bus = createMemoryBackplane();
 * const a = createServer({ adapter: createClusterAdapter(bus) });
 * const b = createServer({ adapter: createClusterAdapter(bus) });
 * ```
 */
export function createMemoryBackplane(): MemoryBackplane {
  const subscribers = new Set<Subscriber>();
  const received = new Map<string, number>();
  const deliver = (sub: Subscriber, message: ClusterMessage) => {
    const copy = structuredClone(message);
    received.set(sub.uid, (received.get(sub.uid) ?? 0) + 1);
    queueMicrotask(() => {
      if (subscribers.has(sub)) sub.handler(copy);
    });
  };
  const find = (nsp: string, uid: string) => {
    for (const sub of subscribers) if (sub.nsp === nsp && sub.uid === uid) return sub;
    return undefined;
  };
  return {
    received,
    roomsOf: (uid) => {
      for (const sub of subscribers) if (sub.uid === uid) return sub.rooms;
      return new Set();
    },
    publish(message, target) {
      for (const sub of subscribers) {
        if (sub.nsp !== message.nsp || (target !== undefined && sub.uid !== target)) continue;
        deliver(sub, message);
      }
    },
    publishToRooms(message, rooms) {
      for (const sub of subscribers) {
        if (sub.nsp !== message.nsp) continue;
        if (rooms.some((room) => sub.rooms.has(room))) deliver(sub, message);
      }
    },
    joinRoom(nsp, uid, room) {
      find(nsp, uid)?.rooms.add(room);
    },
    leaveRoom(nsp, uid, room) {
      find(nsp, uid)?.rooms.delete(room);
    },
    subscribe(nsp, uid, handler) {
      const sub = { nsp, uid, handler, rooms: new Set<Room>() };
      subscribers.add(sub);
      return () => {
        subscribers.delete(sub);
      };
    },
  };
}
