import type { Packet } from "@cometa/protocol";
import type { Clock } from "../clock.js";
import type { Handshake } from "../handshake.js";

/**
 * The adapter interface: where rooms live and where broadcasts go. One adapter
 * per namespace. The in-memory adapter serves one process; a cluster adapter
 * (see `cluster-adapter.ts`) extends it to forward every operation to the other
 * nodes through a backplane, with the same local behaviour.
 *
 * Local delivery is not the adapter's job: it asks its namespace
 * ({@link AdapterNamespace}), which encodes once per codec and uses engine
 * topics. The adapter owns the room index and the cluster fan-out.
 */

/** A room name. */
export type Room = string;
/** A Socket.IO socket id. */
export type SocketId = string;

/** Per-broadcast flags, as Socket.IO names them (they travel between nodes). */
export interface BroadcastFlags {
  /** Drop for recipients that cannot take it right now. */
  readonly volatile?: boolean;
  /** Per-message deflate hint. */
  readonly compress?: boolean;
  /** This node only: do not forward to the cluster. */
  readonly local?: boolean;
  /** Broadcast acks: milliseconds to wait for the replies. */
  readonly timeout?: number;
}

/** Who a cluster-wide operation targets: sockets in any of `rooms` (all when empty), minus those in any of `except`. */
export interface BroadcastOptions {
  readonly rooms: ReadonlySet<Room>;
  readonly except: ReadonlySet<Room>;
  readonly flags: BroadcastFlags;
}

/** A socket as another node describes it (`fetchSockets` results). Plain data, so it can travel. */
export interface SocketDetails {
  readonly id: SocketId;
  readonly handshake: Handshake;
  /** Every room of the socket, its own id included. */
  readonly rooms: readonly Room[];
  readonly data: unknown;
}

/** A socket on this node, as adapters and `fetchSockets` see it. `Socket` implements it. */
export interface LocalSocket {
  readonly id: SocketId;
  readonly handshake: Handshake;
  readonly data: unknown;
  /** Every room of the socket, its own id included (a snapshot). */
  readonly rooms: ReadonlySet<Room>;
  join(rooms: Room | readonly Room[]): void;
  leave(room: Room): void;
  disconnect(close?: boolean): unknown;
}

/** What an adapter may ask of its namespace: local delivery and lookups only. */
export interface AdapterNamespace {
  /** Namespace name, e.g. "/" or "/admin". */
  readonly name: string;
  /** Deliver `packet` to the local sockets `opts` selects: encoded once per codec, topics where possible. */
  localBroadcast(packet: Packet, opts: BroadcastOptions): void;
  /**
   * Like `localBroadcast`, for a packet carrying an ack id: registers that id on
   * every local recipient and calls `onAck` with each recipient's first ack
   * argument. Returns the number of recipients. When a recipient disconnects
   * before answering, `onGone` is called once for it.
   */
  localBroadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    onAck: (response: unknown) => void,
    onGone: () => void,
  ): number;
  /** Local sockets `opts` selects (each once). */
  localSockets(opts: BroadcastOptions): LocalSocket[];
  /** Deliver a `serverSideEmit` from another node to this namespace's listeners. */
  localServerSideEmit(args: readonly unknown[], ack?: (response: unknown) => void): void;
  /** The server's clock (heartbeats and request timeouts of cluster adapters). */
  readonly clock: Clock;
  /** Report a failure that has no caller to return to (a backplane publish that failed). */
  reportError(error: unknown): void;
}

/** Room lifecycle events an adapter emits (same names as socket.io-adapter). */
export type AdapterEvent = "create-room" | "delete-room" | "join-room" | "leave-room";

/**
 * The adapter contract. Methods that touch only the room index are
 * synchronous; cluster-wide queries return promises.
 */
export interface Adapter {
  readonly nsp: AdapterNamespace;
  /** Local room index: room → member ids. A socket's own-id room is implicit and not listed. */
  readonly rooms: ReadonlyMap<Room, ReadonlySet<SocketId>>;
  /** Called once when the namespace is created. */
  init(): void | Promise<void>;
  /** Called once when the server closes. */
  close(): void | Promise<void>;
  /** Add a local socket to rooms. */
  addAll(id: SocketId, rooms: Iterable<Room>): void;
  /** Remove a local socket from one room. */
  del(id: SocketId, room: Room): void;
  /** Remove a local socket from every room. */
  delAll(id: SocketId): void;
  /** Rooms a local socket joined (its own-id room not included), or undefined when none. */
  socketRooms(id: SocketId): ReadonlySet<Room> | undefined;
  /** Whether a local socket is in `room` (true for its own id). */
  isMember(id: SocketId, room: Room): boolean;
  /** Broadcast to every node (local delivery included, unless the cluster part is skipped by `flags.local`). */
  broadcast(packet: Packet, opts: BroadcastOptions): void;
  /**
   * Broadcast a packet with an ack id. Each node reports how many clients it
   * reached through `onClientCount` (called again with −1 for a counted client
   * that disconnected before answering) and each reply through `onAck`.
   */
  broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    onClientCount: (count: number) => void,
    onAck: (response: unknown) => void,
  ): void;
  /** How many nodes answer cluster requests (1 for a single process). */
  serverCount(): Promise<number>;
  /** Sockets matching `opts` on every node: local ones as live objects, remote ones as details. */
  fetchSockets(opts: BroadcastOptions): Promise<(LocalSocket | SocketDetails)[]>;
  /** Make matching sockets (cluster-wide) join `rooms`. */
  addSockets(opts: BroadcastOptions, rooms: readonly Room[]): void;
  /** Make matching sockets (cluster-wide) leave `rooms`. */
  delSockets(opts: BroadcastOptions, rooms: readonly Room[]): void;
  /** Disconnect matching sockets (cluster-wide). */
  disconnectSockets(opts: BroadcastOptions, close: boolean): void;
  /**
   * Send `[event, ...args]` to the *other* nodes' namespace listeners. With
   * `onResponse`, each node's ack reply is collected; it is called once with
   * every reply, or with an error and the replies so far after `timeout` ms.
   */
  serverSideEmit(
    args: readonly unknown[],
    onResponse?: (err: Error | null, responses: unknown[]) => void,
    timeout?: number,
  ): void;
  /** Subscribe to room lifecycle events. */
  on(event: AdapterEvent, listener: (room: Room, id?: SocketId) => void): unknown;
}

/** Creates the adapter of one namespace (the `adapter` server option). */
export type AdapterFactory = (nsp: AdapterNamespace) => Adapter;
