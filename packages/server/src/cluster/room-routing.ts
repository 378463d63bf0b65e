import type { BroadcastOptions, Room } from "./adapter.js";

/**
 * Which rooms get their own backplane route (a Redis channel per room).
 *
 * Every socket is in its own-id room, so routing those would cost one
 * subscription per socket. Rooms that look like socket ids (20 base64url
 * characters, `socket-id.ts`; the sharded Redis adapter uses the same rule) go
 * through the namespace route instead and are filtered by each node locally.
 * Publisher and subscriber apply the same predicate, so a client-chosen room
 * that merely looks like an id is still delivered, just less cheaply.
 */
const SOCKET_ID = /^[A-Za-z0-9_-]{20}$/;

/** Whether `room` gets a route of its own (i.e. does not look like a socket id). */
export function isRoutableRoom(room: Room): boolean {
  return !SOCKET_ID.test(room);
}

/**
 * The rooms a plain broadcast can be routed to, or undefined when it must go
 * to every node of the namespace (no rooms, or a room without its own route).
 */
export function broadcastRoute(opts: BroadcastOptions): readonly Room[] | undefined {
  if (opts.rooms.size === 0) return undefined;
  for (const room of opts.rooms) if (!isRoutableRoom(room)) return undefined;
  return [...opts.rooms];
}
