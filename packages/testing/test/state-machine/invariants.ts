import { type AnyNamespace, type AnySocket, CONNECT_TIMEOUT, ExpectedListenerError, type World } from "./world.js";

/**
 * The invariants of the Socket.IO layer that must hold after every step,
 * whatever the clients sent. Each returns human-readable violations (empty
 * when it holds), so a failing property names what broke.
 */

/** The room index the in-memory adapter keeps (its public `rooms` map). */
interface RoomIndex {
  readonly rooms: ReadonlyMap<string, ReadonlySet<string>>;
  socketRooms(id: string): ReadonlySet<string> | undefined;
}

/** Pending server→client acks of a socket (private; read for the invariant only). */
function ackMapSize(socket: AnySocket): number {
  return (socket as unknown as { _acks?: Map<number, unknown> })._acks?.size ?? 0;
}

/** Every violation in the world right now. */
export function checkInvariants(world: World): string[] {
  return [
    ...onlyExpectedErrors(world),
    ...world.broken,
    ...serverOutputDecodes(world),
    ...[...world.namespaces].flatMap((nsp) => [...socketsAreLive(world, nsp), ...roomIndexConsistent(world, nsp)]),
    ...acksBounded(world),
    ...closedConnectionsLeaveNothing(world),
    ...connectTimeoutEnforced(world),
    ...topicsMatchRooms(world),
  ];
}

/** Room refusals (bad name, private socket-id room, room cap) are the server's documented answer to bad input. */
const ROOM_REFUSALS = new Set(["ROOM_NAME_INVALID", "ROOM_PRIVATE", "ROOMS_PER_SOCKET_EXCEEDED"]);

function isRoomRefusal(e: unknown): boolean {
  return e instanceof Error && ROOM_REFUSALS.has((e as Error & { code?: unknown }).code as string);
}

/**
 * Only the app's deliberate `boom` and room refusals (a join an app handler did not catch, or a `socketsJoin` that
 * skipped one socket) reach `onError`: anything else is the server throwing at a boundary.
 */
function onlyExpectedErrors(world: World): string[] {
  return world.errors
    .filter((e) => !(e instanceof ExpectedListenerError) && !isRoomRefusal(e))
    .map((e) => `unexpected error reported: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}

/** Whatever the server sends decodes with the connection's codec. */
function serverOutputDecodes(world: World): string[] {
  return world.peers.flatMap((peer) => peer.badOutput.map((bad) => `server sent undecodable output to ${peer.conn.id}: ${bad}`));
}

/** A socket in `nsp.sockets` is connected, on an open connection the engine still holds. */
function socketsAreLive(world: World, nsp: AnyNamespace): string[] {
  const found: string[] = [];
  for (const [id, socket] of nsp.sockets) {
    if (socket.id !== id) found.push(`${nsp.name}: socket ${socket.id} filed under ${id}`);
    if (!socket.connected) found.push(`${nsp.name}: socket ${id} listed but not connected`);
    if (socket.client.closing) found.push(`${nsp.name}: socket ${id} listed on a closing client`);
    if (!world.engine.connections.has(socket.client.conn as never)) found.push(`${nsp.name}: socket ${id} on a connection the engine dropped`);
  }
  return found;
}

/** A socket is in a room ⇔ the room lists it; rooms hold only live (or middleware-pending) sockets; no empty rooms. */
function roomIndexConsistent(world: World, nsp: AnyNamespace): string[] {
  const adapter = nsp.adapter as unknown as RoomIndex;
  const found: string[] = [];
  for (const [room, members] of adapter.rooms) {
    if (members.size === 0) found.push(`${nsp.name}: empty room ${room} kept`);
    for (const id of members) {
      if (!nsp.sockets.has(id) && !world.pendingIds.has(id)) found.push(`${nsp.name}: room ${room} lists ${id}, which is gone`);
      if (adapter.socketRooms(id)?.has(room) !== true) found.push(`${nsp.name}: room ${room} lists ${id}, whose own room list lacks it`);
    }
  }
  for (const id of nsp.sockets.keys()) {
    for (const room of adapter.socketRooms(id) ?? []) {
      if (adapter.rooms.get(room)?.has(id) !== true) found.push(`${nsp.name}: ${id} lists room ${room}, which does not list it`);
    }
  }
  return found;
}

/** The ack map holds exactly the asks not yet answered, and no timed ask outlives its timeout. */
function acksBounded(world: World): string[] {
  const found: string[] = [];
  for (const socket of world.sockets()) {
    const size = ackMapSize(socket);
    const outstanding = world.outstanding(socket);
    if (size !== outstanding) found.push(`${socket.nsp.name}: socket ${socket.id} holds ${size} acks, ${outstanding} outstanding`);
  }
  const now = world.clock.now();
  for (const ask of world.asks) {
    if (!ask.done && ask.timeout !== undefined && now >= ask.at + ask.timeout) {
      found.push(`timed ack of ${ask.socket.id} asked at ${ask.at} still pending at ${now}`);
    }
  }
  return found;
}

/** A closed connection leaves no socket in any namespace and no membership in any room. */
function closedConnectionsLeaveNothing(world: World): string[] {
  const found: string[] = [];
  const closed = new Set(world.peers.filter((p) => p.conn.closed).map((p) => p.conn));
  for (const conn of closed) if (world.engine.connections.has(conn)) found.push(`engine still holds closed ${conn.id}`);
  for (const socket of world.sockets()) {
    if (closed.has(socket.client.conn as never)) found.push(`${socket.nsp.name}: socket ${socket.id} survives its closed connection`);
  }
  return found;
}

/** A connection that joined no namespace within `connectTimeout` is closed. */
function connectTimeoutEnforced(world: World): string[] {
  const now = world.clock.now();
  return world.peers
    .filter((p) => !p.conn.closed && !world.accepted.has(p.conn) && now >= p.openedAt + CONNECT_TIMEOUT)
    .map((p) => `${p.conn.id} opened at ${p.openedAt}, joined nothing, still open at ${now}`);
}

/**
 * The engine subscriptions of a connection are exactly its sockets'
 * namespace topics plus one topic per joined room (checked on connections
 * with no socket inside a middleware, whose rooms are not subscribed yet).
 */
function topicsMatchRooms(world: World): string[] {
  const expected = new Map<unknown, number>();
  for (const socket of world.sockets()) {
    const rooms = (socket.nsp.adapter as unknown as RoomIndex).socketRooms(socket.id)?.size ?? 0;
    expected.set(socket.client.conn, (expected.get(socket.client.conn) ?? 0) + 1 + rooms);
  }
  const found: string[] = [];
  for (const peer of world.peers) {
    if (peer.conn.closed || world.pendingIds.size > 0) continue;
    const want = expected.get(peer.conn) ?? 0;
    if (peer.conn.topics.size !== want) found.push(`${peer.conn.id} subscribed to ${peer.conn.topics.size} topics, expected ${want}`);
  }
  return found;
}
