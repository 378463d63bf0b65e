import type { Room } from "./cluster/adapter.js";
import { ServerError } from "./errors.js";

/** Why `socket.join()` refused a room. */
export type RoomRefusal = "ROOM_NAME_INVALID" | "ROOM_PRIVATE" | "ROOMS_PER_SOCKET_EXCEEDED";

/**
 * Thrown by `socket.join()` when a room is refused (RELIABILITY R1–R3). Room
 * names usually come from client input through an event handler, so the
 * handler catches it and answers the client; nothing was joined (a list of
 * rooms is checked whole before any is joined).
 *
 * @example
 * ```ts
 * socket.on("join", (room, ack) => {
 *   try {
 *     socket.join(room);
 *     ack({ ok: true });
 *   } catch (error) {
 *     if (error instanceof RoomRefusedError) ack({ ok: false, code: error.code });
 *     else throw error;
 *   }
 * });
 * ```
 */
export class RoomRefusedError extends ServerError {
  declare readonly code: RoomRefusal;

  constructor(code: RoomRefusal, message: string) {
    super(code, message);
  }
}

/** What the guard needs from a socket. */
export interface RoomGuardTarget {
  readonly id: string;
  /** The socket's current rooms (its own id room may be left implicit), or undefined when none. */
  readonly current: ReadonlySet<Room> | undefined;
  /** The ids of the namespace's sockets on this node. */
  readonly sockets: { has(id: string): boolean };
}

/** The limits the guard applies. */
export interface RoomLimits {
  readonly maxRoomNameLength: number;
  readonly maxRoomsPerSocket: number;
}

/**
 * Check rooms a socket is about to join; throws `RoomRefusedError`.
 *
 * - a name must be a string of 1..`maxRoomNameLength` UTF-16 units;
 * - a room named like another socket's id is private to that socket. Only the
 *   ids this node knows are recognised: ids of sockets on other cluster nodes
 *   are unguessable 120-bit values, so a client can only learn them from the app;
 * - the socket may be in at most `maxRoomsPerSocket` rooms, its own id room not counted.
 */
export function checkRooms(target: RoomGuardTarget, rooms: Room | readonly Room[], limits: RoomLimits): void {
  const list: readonly unknown[] = typeof rooms === "string" ? [rooms] : Array.isArray(rooms) ? rooms : [rooms];
  const current = target.current;
  let added = 0;
  for (const room of list) {
    checkName(target, room, limits.maxRoomNameLength);
    if (current?.has(room as Room) !== true && room !== target.id) added++;
  }
  if (added === 0) return;
  // The own-id room is implicit: not counted against the cap.
  const joined = current === undefined ? 0 : current.has(target.id) ? current.size - 1 : current.size;
  if (joined + added > limits.maxRoomsPerSocket) {
    throw new RoomRefusedError("ROOMS_PER_SOCKET_EXCEEDED", `a socket may be in at most ${limits.maxRoomsPerSocket} rooms`);
  }
}

function checkName(target: RoomGuardTarget, room: unknown, maxLength: number): void {
  if (typeof room !== "string") throw new RoomRefusedError("ROOM_NAME_INVALID", "a room name must be a string");
  if (room.length === 0 || room.length > maxLength) {
    throw new RoomRefusedError("ROOM_NAME_INVALID", `a room name must have 1 to ${maxLength} characters`);
  }
  if (room !== target.id && target.sockets.has(room)) {
    throw new RoomRefusedError("ROOM_PRIVATE", "a socket's id room is private to that socket");
  }
}
