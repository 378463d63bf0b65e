import { type Codec, type Packet, PacketType, type PacketDecoder, ProtocolError } from "@cometa/protocol";
import { createServer, type Namespace, type Server, type Socket } from "@cometa/server";
import { FakeClock } from "../../../server/test/fake-clock.js";
import { type FakeConnection, FakeEngine } from "../../../server/test/fake-engine.js";

/**
 * A Socket.IO server on the server package's fake engine and fake clock,
 * with an app whose handlers exercise every state-changing path (rooms,
 * server→client acks with and without timeout, kicks, a throwing listener, an
 * async middleware that joins a room before deciding), plus the bookkeeping
 * the invariants need: which asks are outstanding, which sockets sit in the
 * middleware, when each connection opened and whether it ever joined.
 */

// biome-ignore lint/suspicious/noExplicitAny: the app under test is untyped: it sees whatever the fuzzer sends
export type AnyServer = Server<any, any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type AnySocket = Socket<any, any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
export type AnyNamespace = Namespace<any, any, any, any>;

/** The error the `boom` handler throws: the only kind allowed to reach `onError`. */
export class ExpectedListenerError extends Error {}

/** Timeout of `ask` (server→client ack under `timeout()`), ms. */
export const ASK_TIMEOUT = 500;
/** The server's `connectTimeout`, ms. */
export const CONNECT_TIMEOUT = 1000;
/** How long the `/admin` middleware thinks, ms. */
export const MIDDLEWARE_DELAY = 50;

/** A server→client ack the app asked for and has not seen answered. */
interface Ask {
  readonly socket: AnySocket;
  readonly at: number;
  /** Undefined for a plain ack (no timeout): it waits for the client forever. */
  readonly timeout: number | undefined;
  done: boolean;
}

/** One client connection and what the server sent it. */
export interface Peer {
  readonly conn: FakeConnection;
  readonly openedAt: number;
  readonly decoder: PacketDecoder;
  /** Namespaces and ack ids of the server's `q` events, for ACK actions that answer them. */
  readonly askIds: { readonly nsp: string; readonly id: number }[];
  /** Server output that failed to decode: must stay empty. */
  readonly badOutput: string[];
  /** CONNECT_ERROR packets received. */
  refusals: number;
}

export class World {
  readonly clock = new FakeClock();
  readonly engine = new FakeEngine();
  readonly io: AnyServer;
  readonly errors: unknown[] = [];
  readonly peers: Peer[] = [];
  /** Every namespace ever created, dynamic children included (even after cleanup removed them). */
  readonly namespaces = new Set<AnyNamespace>();
  /** Ids of sockets inside the `/admin` middleware: they may sit in a room before being accepted. */
  readonly pendingIds = new Set<string>();
  readonly asks: Ask[] = [];
  /** Connections that had a socket accepted (the connect timeout no longer applies). */
  readonly accepted = new Set<FakeConnection>();
  /** Postconditions that failed (a join that did not join, …): must stay empty. */
  readonly broken: string[] = [];

  constructor(readonly codec: Codec) {
    this.io = createServer({
      codec,
      clock: this.clock,
      connectTimeout: CONNECT_TIMEOUT,
      maxNamespacesPerClient: 3,
      cleanupEmptyChildNamespaces: true,
      onError: (error) => this.errors.push(error),
    });
    this.io.bind(this.engine);
    this.io.on("new_namespace", (nsp: AnyNamespace) => this.namespaces.add(nsp));
    const admin = this.io.of("/admin");
    admin.use((socket, next) => {
      this.pendingIds.add(socket.id);
      socket.join("admin-lobby"); // joined before acceptance: a refusal or a close must undo it
      this.clock.setTimeout(() => {
        this.pendingIds.delete(socket.id);
        next(socket.handshake.auth.token === "ok" ? undefined : new Error("unauthorized"));
      }, MIDDLEWARE_DELAY);
    });
    this.namespaces.add(this.io.of("/"));
    this.namespaces.add(admin);
    for (const nsp of [this.io.of("/"), admin, this.io.of(/^\/dyn-\d$/)]) nsp.on("connection", (s: AnySocket) => this.setup(s));
  }

  /** Open a connection (the Engine.IO handshake succeeded). */
  open(): Peer {
    const conn = this.engine.open();
    const peer: Peer = { conn, openedAt: this.clock.now(), decoder: this.codec.createDecoder(), askIds: [], badOutput: [], refusals: 0 };
    conn.onDeliver = (frames) => {
      for (const frame of frames) {
        const result = peer.decoder.add(frame);
        if (result instanceof ProtocolError) peer.badOutput.push(`${result.code}: ${String(frame).slice(0, 80)}`);
        else if (result !== undefined) this.observe(peer, result);
      }
    };
    this.peers.push(peer);
    return peer;
  }

  /** The client sends `packet` on `peer`, encoded with the server's codec (skipped if the codec refuses to encode it). */
  send(peer: Peer, packet: Packet): void {
    let frames: (string | Uint8Array)[];
    try {
      frames = this.codec.encode(packet);
    } catch {
      return; // e.g. a namespace the encoder rejects: a client could not send it either
    }
    for (const frame of frames) peer.conn.receive(frame);
  }

  /** Every connected socket of every namespace ever created. */
  *sockets(): Iterable<AnySocket> {
    for (const nsp of this.namespaces) yield* nsp.sockets.values();
  }

  /** Asks still waiting for the client. */
  outstanding(socket: AnySocket): number {
    let n = 0;
    for (const ask of this.asks) if (ask.socket === socket && !ask.done) n++;
    return n;
  }

  private observe(peer: Peer, packet: Packet): void {
    const data = packet.data;
    if (packet.type === PacketType.CONNECT_ERROR) peer.refusals++;
    if (packet.type === PacketType.EVENT && packet.id !== undefined && Array.isArray(data) && data[0] === "q") peer.askIds.push({ nsp: packet.nsp, id: packet.id });
  }

  private setup(socket: AnySocket): void {
    this.accepted.add(socket.client.conn as FakeConnection);
    const room = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
    socket.on("join", (name: unknown) => {
      const r = room(name);
      if (r === undefined) return;
      try {
        socket.join(r);
      } catch (error) {
        // A refused name (empty, too long, another socket's id, over the cap) joins nothing: that is the contract.
        if (socket.rooms.has(r) && r !== socket.id) this.broken.push(`${socket.id} was refused ${r} but is in it`);
        throw error;
      }
      if (socket.connected && !socket.rooms.has(r)) this.broken.push(`${socket.id} joined ${r} but is not in it`);
    });
    socket.on("leave", (name: unknown) => {
      const r = room(name);
      if (r === undefined) return;
      socket.leave(r);
      if (r !== socket.id && socket.rooms.has(r)) this.broken.push(`${socket.id} left ${r} but is still in it`);
    });
    socket.on("broadcast", (name: unknown) => {
      const r = room(name);
      if (r !== undefined) socket.to(r).emit("news", socket.id);
    });
    socket.on("serverJoin", (name: unknown) => {
      const r = room(name);
      if (r !== undefined) socket.nsp.in(socket.id).socketsJoin(r);
    });
    socket.on("ask", () => this.ask(socket, ASK_TIMEOUT));
    socket.on("askForever", () => this.ask(socket, undefined));
    socket.on("echo", (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack === "function") ack(...args.slice(0, -1));
    });
    socket.on("kick", () => socket.disconnect());
    socket.on("kickAll", () => socket.disconnect(true));
    socket.on("boom", () => {
      throw new ExpectedListenerError("boom");
    });
  }

  private ask(socket: AnySocket, timeout: number | undefined): void {
    const ask: Ask = { socket, at: this.clock.now(), timeout, done: false };
    this.asks.push(ask);
    const done = (): void => {
      ask.done = true;
    };
    if (timeout === undefined) socket.emit("q", done);
    else socket.timeout(timeout).emit("q", done);
  }
}
