import { type Packet, PacketType } from "@cometa/protocol";
import fc from "fast-check";
import type { Peer, World } from "./world.js";

/**
 * What can happen to the server, as data for fast-check: clients open,
 * send packets (valid, out of order, to random namespaces, with random ack
 * ids), send garbage, drop; the engine kills a transport; time passes; the
 * app broadcasts and moves sockets between rooms.
 */
export type Action =
  | { readonly kind: "open"; readonly connect: string | undefined }
  | { readonly kind: "packet"; readonly peer: number; readonly packet: Packet }
  | { readonly kind: "answer"; readonly peer: number; readonly nsp: string; readonly which: number }
  | { readonly kind: "garbage"; readonly peer: number; readonly frame: string | Uint8Array }
  | { readonly kind: "drop"; readonly peer: number }
  | { readonly kind: "advance"; readonly ms: number }
  | { readonly kind: "server"; readonly nsp: string; readonly op: ServerOp; readonly room: string; readonly other: string };

type ServerOp = "broadcast" | "socketsJoin" | "socketsLeave" | "disconnectSockets" | "closeSockets";

const NAMESPACES = ["/", "/admin", "/dyn-1", "/dyn-2", "/nope"] as const;
/** Stands for "a namespace this peer has joined" (resolved when applied, "/" if none): keeps most packets in valid states. */
export const JOINED = "@joined";
const ROOMS = ["r1", "r2", "r3", "admin-lobby"] as const;
/** Event names with weights: state-building events often, state-destroying ones rarely, or runs end early. */
const EVENTS: readonly (readonly [string, number])[] = [
  ["join", 3],
  ["leave", 2],
  ["broadcast", 2],
  ["serverJoin", 1],
  ["ask", 3],
  ["askForever", 2],
  ["echo", 2],
  ["kick", 1],
  ["kickAll", 1],
  ["boom", 1],
  ["unknown", 1],
];

// A packet for a namespace not joined closes the connection: keep those rare, or connections die young.
const nsp = fc.oneof(
  { weight: 20, arbitrary: fc.constant(JOINED) },
  { weight: 2, arbitrary: fc.constantFrom(...NAMESPACES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const room = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...ROOMS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
const ackId = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom(0x7fffffff, -1, 2 ** 53) },
);
const value = fc.jsonValue({ maxDepth: 2 });

const connect = fc.record({
  type: fc.constant(PacketType.CONNECT),
  // Not JOINED: a second CONNECT to a joined namespace closes the connection (covered, but rarely wanted).
  nsp: fc.oneof({ weight: 10, arbitrary: fc.constantFrom(...NAMESPACES) }, { weight: 1, arbitrary: fc.constant(JOINED) }),
  data: fc.oneof(
    fc.constant(undefined),
    fc.constant({ token: "ok" }),
    fc.constant({ token: "bad" }),
    value, // arrays, strings, null: refused as an invalid auth payload
  ),
});

const event = fc
  .record({
    nsp,
    name: fc.oneof(
      ...EVENTS.map(([name, weight]) => ({ weight, arbitrary: fc.constant(name) })),
      { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    ),
    // Mostly a room as the first argument (join/leave/broadcast take one), sometimes anything.
    args: fc.oneof(
      { weight: 4, arbitrary: room.map((r): unknown[] => [r]) },
      { weight: 1, arbitrary: fc.array(fc.oneof(room, value), { maxLength: 3 }) },
    ),
    id: fc.option(ackId, { nil: undefined }),
  })
  .map(({ nsp, name, args, id }): Packet => ({ type: PacketType.EVENT, nsp, data: [name, ...args], ...(id === undefined ? {} : { id }) }));

const packet: fc.Arbitrary<Packet> = fc.oneof(
  { weight: 4, arbitrary: connect.map((p): Packet => (p.data === undefined ? { type: p.type, nsp: p.nsp } : p)) },
  { weight: 16, arbitrary: event },
  { weight: 2, arbitrary: fc.record({ type: fc.constant(PacketType.ACK), nsp, id: ackId, data: fc.array(value, { maxLength: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant(PacketType.DISCONNECT), nsp }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant(PacketType.CONNECT_ERROR), nsp, data: fc.constant({ message: "x" }) }) },
);

const peer = fc.nat({ max: 7 });

/** One action. */
export const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("open" as const),
      connect: fc.option(fc.constantFrom("/", "/", "/admin", "/dyn-1", "/dyn-2"), { nil: undefined, freq: 4 }),
    }),
  },
  { weight: 14, arbitrary: fc.record({ kind: fc.constant("packet" as const), peer, packet }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("answer" as const), peer, nsp, which: fc.nat({ max: 4 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("garbage" as const),
      peer,
      frame: fc.oneof(fc.string({ maxLength: 24 }), fc.uint8Array({ maxLength: 24 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("drop" as const), peer }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("advance" as const), ms: fc.oneof(fc.nat({ max: 100 }), fc.nat({ max: 1500 })) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("server" as const),
      nsp: fc.constantFrom("/", "/admin"),
      op: fc.constantFrom<ServerOp>("broadcast", "socketsJoin", "socketsLeave", "disconnectSockets", "closeSockets"),
      room,
      other: room,
    }),
  },
);

/**
 * Apply `action` to `world`. Actions that name a peer pick among the open
 * ones: a closed connection ignores input, so aiming at one would waste the
 * step. With none open, a peer is opened and joins `/` first.
 */
export function apply(world: World, a: Action): void {
  let target: Peer | undefined;
  if ("peer" in a) {
    const open = world.peers.filter((p) => !p.conn.closed);
    target = open.length > 0 ? open[a.peer % open.length] : openPeer(world, "/");
  }
  switch (a.kind) {
    case "open":
      openPeer(world, a.connect);
      return;
    case "packet":
      if (target !== undefined) world.send(target, { ...a.packet, nsp: resolve(world, target, a.packet) });
      return;
    case "answer": {
      // ACK one of the ids the server actually asked with: reaches the reply path, not only "unknown id".
      const asked = target?.askIds[a.which % Math.max(1, target.askIds.length)];
      if (target !== undefined && asked !== undefined) {
        world.send(target, { type: PacketType.ACK, nsp: a.nsp === JOINED ? asked.nsp : a.nsp, id: asked.id, data: ["yes"] });
      }
      return;
    }
    case "garbage":
      target?.conn.receive(a.frame);
      return;
    case "drop":
      target?.conn.drop();
      return;
    case "advance":
      world.clock.advance(a.ms);
      return;
    case "server":
      serverOp(world, a);
      return;
  }
}

/** Open a connection, and CONNECT to `nsp` if given (with the token `/admin` wants). */
function openPeer(world: World, nsp: string | undefined): Peer {
  const peer = world.open();
  if (nsp !== undefined) world.send(peer, { type: PacketType.CONNECT, nsp, ...(nsp === "/admin" ? { data: { token: "ok" } } : {}) });
  return peer;
}

/**
 * The namespace a packet goes to: {@link JOINED} becomes one the peer has
 * joined ("/" if none); a CONNECT to a namespace already joined moves to one
 * not joined yet (a duplicate CONNECT closes the connection: JOINED still
 * produces those, rarely).
 */
function resolve(world: World, peer: Peer, packet: Packet): string {
  const joined = [...world.sockets()].filter((s) => s.client.conn === peer.conn).map((s) => s.nsp.name);
  if (packet.nsp === JOINED) return joined[peer.askIds.length % Math.max(1, joined.length)] ?? "/";
  if (packet.type !== PacketType.CONNECT || !joined.includes(packet.nsp)) return packet.nsp;
  return NAMESPACES.find((n) => !joined.includes(n)) ?? packet.nsp;
}

function serverOp(world: World, a: Extract<Action, { kind: "server" }>): void {
  const ns = world.io.of(a.nsp);
  // The sockets the operation targets, and a postcondition on each of them afterwards.
  const targets = [...ns.sockets.values()].filter((s) => s.rooms.has(a.room));
  let holds: (s: (typeof targets)[number]) => boolean;
  switch (a.op) {
    case "broadcast":
      ns.to(a.room).except(a.other).emit("news", a.room);
      return;
    case "socketsJoin":
      ns.in(a.room).socketsJoin(a.other);
      holds = (s) => s.rooms.has(a.other);
      break;
    case "socketsLeave":
      ns.in(a.room).socketsLeave(a.other);
      holds = (s) => s.id === a.other || !s.rooms.has(a.other);
      break;
    case "disconnectSockets":
    case "closeSockets":
      ns.in(a.room).disconnectSockets(a.op === "closeSockets");
      holds = (s) => s.disconnected && !ns.sockets.has(s.id);
      break;
  }
  for (const socket of targets) if (!holds(socket)) world.broken.push(`${a.op}(${a.room} → ${a.other}) missed ${socket.id}`);
}

/** A short text form of an action for failure messages. */
export function describe(a: Action): string {
  return JSON.stringify(a, (_key, v: unknown) => (v instanceof Uint8Array ? `bytes(${Array.from(v).join(",")})` : v));
}
