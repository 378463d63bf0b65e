import type { Codec } from "@cometa/protocol";
import type { Adapter, Room } from "./cluster/adapter.js";
import type { CodecSlots } from "./codec-slots.js";
import type { EngineConnection } from "./engine/engine-connection.js";

/**
 * A socket's room membership: the adapter's index plus, while the connection
 * lives, one engine topic per room, so a plain room broadcast is one publish.
 * The own-id room is implicit in the adapter and has no topic (broadcasts to
 * it are sent directly): a topic per socket would cost a subscription each.
 * Topics are subscribed only while the socket is connected: rooms a CONNECT
 * middleware joins are subscribed when the socket is accepted, so a broadcast
 * never reaches a client before its CONNECT reply (nor a refused one).
 */

/** What room bookkeeping needs from a socket. `Socket` implements it. */
export interface RoomMember {
  readonly id: string;
  /** False while the CONNECT middlewares run, and once disconnected. */
  readonly connected: boolean;
  readonly nsp: { readonly adapter: Adapter; readonly codecs: CodecSlots };
  readonly client: { readonly closing: boolean; readonly codec: Codec | undefined; readonly conn: EngineConnection };
}

/** Add `member` to `rooms` and subscribe its connection to their topics. */
export function joinRooms(member: RoomMember, rooms: Room | readonly Room[]): void {
  if (typeof rooms === "string") {
    member.nsp.adapter.addAll(member.id, [rooms]);
    subscribe(member, rooms);
    return;
  }
  member.nsp.adapter.addAll(member.id, rooms);
  for (const room of rooms) subscribe(member, room);
}

/** Remove `member` from `room` and its topic. */
export function leaveRoom(member: RoomMember, room: Room): void {
  member.nsp.adapter.del(member.id, room);
  if (hasTopics(member) && room !== member.id) member.client.conn.unsubscribe(roomTopic(member, room));
}

/** Remove `member` from every room (and their topics while the connection lives). */
export function leaveAllRooms(member: RoomMember): void {
  const adapter = member.nsp.adapter;
  if (!hasTopics(member)) {
    // The engine drops a closed session's subscriptions itself, and a pending socket has none.
    adapter.delAll(member.id);
    return;
  }
  const joined = adapter.socketRooms(member.id);
  if (joined === undefined) return;
  const rooms = Array.from(joined);
  adapter.delAll(member.id);
  for (const room of rooms) member.client.conn.unsubscribe(roomTopic(member, room));
}

/** Subscribe a socket that was just accepted to the rooms its CONNECT middlewares joined. */
export function subscribeJoinedRooms(member: RoomMember): void {
  const joined = member.nsp.adapter.socketRooms(member.id);
  if (joined !== undefined) for (const room of joined) subscribe(member, room);
}

function subscribe(member: RoomMember, room: Room): void {
  if (hasTopics(member) && room !== member.id) member.client.conn.subscribe(roomTopic(member, room));
}

/** Whether the member's connection holds room topics: only while connected, and not while closing. */
function hasTopics(member: RoomMember): boolean {
  return member.connected && !member.client.closing;
}

function roomTopic(member: RoomMember, room: Room): string {
  return member.nsp.codecs.roomTopicFor(member.client.codec!, room);
}
