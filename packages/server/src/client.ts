import { type Codec, ConnectRefusal, type EngineCloseReason, type Frame, type Packet, PacketType, ProtocolError } from "@cometa/protocol";
import type { Deadline, DeadlineTarget } from "./connect-deadlines.js";
import type { EngineConnection } from "./engine/engine-connection.js";
import { ConnectionRefusedError } from "./errors.js";
import { connectErrorData } from "./namespace.js";
import type { Server } from "./server.js";
import type { Socket } from "./socket.js";

/** What dynamic-namespace matchers see when the client sent no auth payload. */
const NO_AUTH: Record<string, unknown> = Object.freeze({});

// biome-ignore lint/suspicious/noExplicitAny: a client multiplexes sockets of every namespace type
type AnySocket = Socket<any, any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: the client serves any server typing
type AnyServer = Server<any, any, any, any>;

/**
 * One Engine.IO connection as the Socket.IO layer sees it: it decodes
 * incoming frames with the connection's codec, multiplexes the namespace
 * sockets, and enforces the namespace handshake rules (PROTOCOL.md §3.2):
 *
 * - a CONNECT for a namespace already joined (or being joined), or any other
 *   packet for a namespace not joined, closes the whole connection;
 * - a CONNECT to a namespace string no namespace can have (`""`, `"admin"`,
 *   control characters, over 256 units), or with an auth payload that is not
 *   an object, gets CONNECT_ERROR and the connection stays (RELIABILITY M12,
 *   M17; the decoder's `ConnectRefusal`);
 * - any other undecodable frame closes it with `parse error`;
 * - no namespace joined within `connectTimeout` closes it.
 *
 * The first socket is kept in a field and a map is created only for a second
 * namespace: most connections join one. A CONNECT to an existing namespace
 * without middlewares is accepted synchronously, with no closure or promise;
 * the connect timeout is a node in the server's shared deadline list, not a
 * timer per connection.
 */
export class Client implements DeadlineTarget {
  /** The connection's codec; with `codec: "auto"`, set from the first frame. */
  codec: Codec | undefined;
  /** True once the connection is closed or closing: sockets then skip topic bookkeeping. */
  closing = false;
  private decoder: ReturnType<Codec["createDecoder"]> | undefined;
  private first: AnySocket | undefined = undefined;
  private rest: Map<string, AnySocket> | undefined = undefined;
  /** Namespaces whose CONNECT is being processed (middlewares, dynamic namespace checks). */
  private pending: Set<string> | undefined = undefined;
  /** Until the first namespace is joined: closes the connection at `connectTimeout`. */
  private deadline: Deadline | undefined;

  constructor(
    readonly server: AnyServer,
    readonly conn: EngineConnection,
  ) {
    this.codec = server.fixedCodec;
    this.decoder = this.codec?.createDecoder();
    // Shared handlers that find this client through `conn.owner`: no closure per connection.
    conn.owner = this;
    conn.onMessage = clientOnMessage;
    conn.onClose = clientOnClose;
    this.deadline = server._connectDeadlines.add(this);
  }

  /** Whether the connection is closed. */
  get closed(): boolean {
    return this.closing;
  }

  /** The socket of namespace `name`, if joined. */
  socket(name: string): AnySocket | undefined {
    if (this.first?.nsp.name === name) return this.first;
    return this.rest?.get(name);
  }

  /** Number of namespaces joined or being joined. */
  get namespaceCount(): number {
    return (this.first === undefined ? 0 : 1) + (this.rest?.size ?? 0) + (this.pending?.size ?? 0);
  }

  /** Send one packet on this connection (used for CONNECT_ERROR, which has no socket). */
  sendPacket(packet: Packet): boolean {
    return this.conn.send(this.codec!.encode(packet));
  }

  /** @internal Refuse a namespace: CONNECT_ERROR `{message, data?}`. */
  refuse(name: string, err: Error): void {
    this.sendPacket({ type: PacketType.CONNECT_ERROR, nsp: name, data: connectErrorData(err) });
  }

  /** @internal Disconnect every namespace (DISCONNECT to each), then close the connection. */
  disconnectAll(): void {
    for (const socket of this.allSockets()) socket.disconnect();
    this.close("forced server close");
  }

  /** @internal A namespace's middlewares started on a CONNECT for `name`. */
  _pend(name: string): void {
    if (this.pending === undefined) this.pending = new Set();
    this.pending.add(name);
  }

  /** @internal The CONNECT for `name` was decided (accepted or refused). */
  _unpend(name: string): void {
    if (this.pending?.delete(name) === true && this.pending.size === 0) this.pending = undefined;
  }

  /** @internal The namespace accepted `socket` (its CONNECT reply is sent). */
  _accepted(socket: AnySocket): void {
    if (this.first === undefined) {
      this.first = socket;
    } else {
      if (this.rest === undefined) this.rest = new Map();
      this.rest.set(socket.nsp.name, socket);
    }
    this.stopDeadline();
  }

  /** @internal `connectTimeout` passed: close unless a namespace was joined. */
  onDeadline(): void {
    this.deadline = undefined;
    if (this.first === undefined) this.close("forced server close");
  }

  /** @internal A socket left. */
  _remove(socket: AnySocket): void {
    if (this.first === socket) {
      this.first = undefined;
      // Promote one socket from the map, so `first` stays the fast path.
      if (this.rest !== undefined) {
        const [name, next] = this.rest.entries().next().value!;
        this.rest.delete(name);
        this.first = next;
        if (this.rest.size === 0) this.rest = undefined;
      }
    } else if (this.rest?.delete(socket.nsp.name) === true && this.rest.size === 0) {
      this.rest = undefined;
    }
  }

  /** Close the connection from the server side. */
  close(reason: EngineCloseReason): void {
    if (this.closing) return;
    // The engine calls onClose (synchronously or later), which disconnects the sockets.
    this.conn.close(reason);
  }

  /** @internal One Engine.IO message arrived (through the shared `clientOnMessage`). */
  _onmessage(frame: Frame): void {
    if (this.closing) return;
    if (this.decoder === undefined) {
      this.codec = this.server.detectCodec(frame);
      this.decoder = this.codec.createDecoder();
    }
    const result = this.decoder.add(frame);
    if (result === undefined) return;
    if (result instanceof ProtocolError && !(result instanceof ConnectRefusal)) {
      this.close("parse error");
      return;
    }
    try {
      if (result instanceof ConnectRefusal) this.onRefusedConnect(result);
      else this.onPacket(result);
    } catch (error) {
      // A listener threw: report it and keep the connection (and the process) alive.
      this.server.reportError(error);
    }
  }

  private onPacket(packet: Packet): void {
    const name = packet.nsp;
    if (packet.type === PacketType.CONNECT) {
      if (this.socket(name) !== undefined || this.pending?.has(name) === true) {
        this.close("forced server close"); // second CONNECT for a namespace: invalid state
        return;
      }
      this.connect(name, packet.data);
      return;
    }
    const socket = this.socket(name);
    if (socket === undefined || packet.type === PacketType.CONNECT_ERROR || !isWellFormed(packet)) {
      this.close("forced server close"); // packet for a namespace not joined, or nonsense: invalid state
      return;
    }
    socket._onpacket(packet);
  }

  /** A well-formed CONNECT the decoder refused: answered like a CONNECT the server cannot accept. */
  private onRefusedConnect(refusal: ConnectRefusal): void {
    const name = refusal.nsp;
    if (this.socket(name) !== undefined || this.pending?.has(name) === true) {
      this.close("forced server close"); // second CONNECT for a namespace: invalid state, whatever its auth
      return;
    }
    this.refuse(name, refusal.reason === "namespace" ? invalidNamespace() : invalidAuth());
  }

  private connect(name: string, auth: unknown): void {
    // A lax custom codec may let a non-object through: refuse it as the decoders do.
    if (auth !== undefined && (auth === null || typeof auth !== "object" || Array.isArray(auth))) {
      this.refuse(name, invalidAuth());
      return;
    }
    if (this.namespaceCount >= this.server.options.maxNamespacesPerClient) {
      this.refuse(name, new Error("Too many namespaces"));
      return;
    }
    const payload = auth as Record<string, unknown> | undefined;
    const nsp = this.server._namespace(name);
    if (nsp !== undefined) {
      nsp._add(this, payload);
      return;
    }
    // Not created yet: a parent of dynamic namespaces may accept the name (possibly asynchronously).
    this._pend(name);
    this.server._resolveNamespace(name, payload ?? NO_AUTH, (resolved) => {
      this._unpend(name);
      if (this.closing) return;
      if (resolved === undefined) this.refuse(name, invalidNamespace());
      else resolved._add(this, payload);
    });
  }

  private stopDeadline(): void {
    if (this.deadline === undefined) return;
    this.server._connectDeadlines.cancel(this.deadline);
    this.deadline = undefined;
  }

  /** @internal The connection ended (through the shared `clientOnClose`). */
  _onclose(reason: EngineCloseReason, description?: unknown): void {
    if (this.closing) return;
    this.closing = true;
    this.stopDeadline();
    this.decoder?.reset();
    // Snapshot first: each socket removes itself from `first`/`rest` as it closes.
    const first = this.first;
    const rest = this.rest === undefined ? undefined : Array.from(this.rest.values());
    if (first !== undefined) this.closeSocket(first, reason, description);
    if (rest !== undefined) for (const socket of rest) this.closeSocket(socket, reason, description);
    this.pending = undefined;
  }

  private closeSocket(socket: AnySocket, reason: EngineCloseReason, description: unknown): void {
    try {
      socket._onclose(reason, description);
    } catch (error) {
      this.server.reportError(error);
    }
  }

  private allSockets(): AnySocket[] {
    const list: AnySocket[] = [];
    if (this.first !== undefined) list.push(this.first);
    if (this.rest !== undefined) for (const socket of this.rest.values()) list.push(socket);
    return list;
  }
}

/** The engine's `onMessage` of every connection: `this` is the connection, its `owner` the client. */
function clientOnMessage(this: EngineConnection, frame: Frame): void {
  (this.owner as Client)._onmessage(frame);
}

/** The engine's `onClose` of every connection (called once, like `onMessage`). */
function clientOnClose(this: EngineConnection, reason: EngineCloseReason, description?: string): void {
  (this.owner as Client)._onclose(reason, description);
}

/** CONNECT_ERROR `{message: "Invalid namespace"}`, word for word the reference server's. */
function invalidNamespace(): Error {
  return new ConnectionRefusedError("Invalid namespace");
}

/** CONNECT_ERROR for an auth payload that is not an object; `data.code` lets a client tell it apart. */
function invalidAuth(): Error {
  return new ConnectionRefusedError("Invalid auth payload", { code: "INVALID_AUTH_PAYLOAD" });
}

/** Shape checks the codecs already do, repeated cheaply so a lax custom codec cannot crash a listener. */
function isWellFormed(packet: Packet): boolean {
  if (packet.type === PacketType.EVENT) {
    const data = packet.data;
    return Array.isArray(data) && data.length > 0 && (typeof data[0] === "string" || typeof data[0] === "number");
  }
  if (packet.type === PacketType.ACK) return Array.isArray(packet.data) && Number.isInteger(packet.id);
  return packet.type === PacketType.DISCONNECT;
}
