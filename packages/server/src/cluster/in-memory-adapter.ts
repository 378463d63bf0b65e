import type { Packet } from "@cometa/protocol";
import { Emitter } from "../emitter.js";
import { reportRejection } from "../rejection.js";
import type {
  Adapter,
  AdapterEvent,
  AdapterNamespace,
  BroadcastOptions,
  LocalSocket,
  Room,
  SocketDetails,
  SocketId,
} from "./adapter.js";

/**
 * The single-process adapter: a room index plus local delivery through the
 * namespace. It is also the base a cluster adapter extends: the cluster layer
 * forwards each operation to the other nodes, then calls these for the local
 * part.
 *
 * Memory: a socket that joined no room costs nothing here (its own-id room is
 * implicit); one joined room is stored as a bare string, several as a Set.
 *
 * @example
 * ```ts
 * const io = createServer({ adapter: (nsp) => new InMemoryAdapter(nsp) }); // the default
 * io.of("/").adapter.on("create-room", (room) => console.log("room", room, "created"));
 * ```
 */
export class InMemoryAdapter extends Emitter implements Adapter {
  readonly rooms = new Map<Room, Set<SocketId>>();
  /** Socket id → its joined rooms (a string when exactly one, the common case). */
  private readonly sids = new Map<SocketId, Room | Set<Room>>();

  constructor(readonly nsp: AdapterNamespace) {
    super();
  }

  init(): void | Promise<void> {}

  close(): void | Promise<void> {}

  addAll(id: SocketId, rooms: Iterable<Room>): void {
    for (const room of rooms) {
      if (room === id) continue; // the own-id room is implicit
      let members = this.rooms.get(room);
      if (members === undefined) {
        members = new Set();
        this.rooms.set(room, members);
        this.onRoomCreated(room);
        this.notify("create-room", room);
      }
      if (members.has(id)) continue;
      members.add(id);
      const joined = this.sids.get(id);
      if (joined === undefined) this.sids.set(id, room);
      else if (typeof joined === "string") this.sids.set(id, new Set([joined, room]));
      else joined.add(room);
      this.notify("join-room", room, id);
    }
  }

  del(id: SocketId, room: Room): void {
    const joined = this.sids.get(id);
    if (joined === undefined) return;
    if (typeof joined === "string") {
      if (joined !== room) return;
      this.sids.delete(id);
    } else {
      if (!joined.delete(room)) return;
      if (joined.size === 1) this.sids.set(id, joined.values().next().value!);
    }
    this.removeMember(id, room);
  }

  delAll(id: SocketId): void {
    const joined = this.sids.get(id);
    if (joined === undefined) return;
    this.sids.delete(id);
    if (typeof joined === "string") this.removeMember(id, joined);
    else for (const room of joined) this.removeMember(id, room);
  }

  socketRooms(id: SocketId): ReadonlySet<Room> | undefined {
    const joined = this.sids.get(id);
    if (joined === undefined) return undefined;
    return typeof joined === "string" ? new Set([joined]) : joined;
  }

  isMember(id: SocketId, room: Room): boolean {
    return room === id || this.rooms.get(room)?.has(id) === true;
  }

  broadcast(packet: Packet, opts: BroadcastOptions): void {
    this.nsp.localBroadcast(packet, opts);
  }

  broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    onClientCount: (count: number) => void,
    onAck: (response: unknown) => void,
  ): void {
    const count = this.nsp.localBroadcastWithAck(packet, opts, onAck, () => onClientCount(-1));
    onClientCount(count);
  }

  serverCount(): Promise<number> {
    return Promise.resolve(1);
  }

  fetchSockets(opts: BroadcastOptions): Promise<(LocalSocket | SocketDetails)[]> {
    return Promise.resolve(this.nsp.localSockets(opts));
  }

  addSockets(opts: BroadcastOptions, rooms: readonly Room[]): void {
    for (const socket of this.nsp.localSockets(opts)) {
      try {
        socket.join(rooms);
      } catch (error) {
        // A refused room (RoomRefusedError, e.g. a socket at maxRoomsPerSocket) must not stop the other sockets.
        this.nsp.reportError(error);
      }
    }
  }

  delSockets(opts: BroadcastOptions, rooms: readonly Room[]): void {
    for (const socket of this.nsp.localSockets(opts)) for (const room of rooms) socket.leave(room);
  }

  disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    for (const socket of this.nsp.localSockets(opts)) socket.disconnect(close);
  }

  /** A single process has no other node: no listener runs, and an ack request resolves with no replies. */
  serverSideEmit(args: readonly unknown[], onResponse?: (err: Error | null, responses: unknown[]) => void): void {
    void args;
    if (onResponse !== undefined) reportRejection(onResponse(null, []), this.nsp);
  }

  override on(event: AdapterEvent, listener: (room: Room, id?: SocketId) => void): this {
    return super.on(event, listener);
  }

  /** An async room-event listener that rejects: report it (a rejection left unhandled ends the process). */
  protected override listenerFailed(error: unknown): void {
    this.nsp.reportError(error);
  }

  private removeMember(id: SocketId, room: Room): void {
    const members = this.rooms.get(room);
    if (members === undefined || !members.delete(id)) return;
    this.notify("leave-room", room, id);
    if (members.size === 0) {
      this.rooms.delete(room);
      this.onRoomDeleted(room);
      this.notify("delete-room", room);
    }
  }

  /** Hook for subclasses: `room` got its first local member (a cluster adapter subscribes to it). */
  protected onRoomCreated(room: Room): void {
    void room;
  }

  /** Hook for subclasses: `room` lost its last local member. */
  protected onRoomDeleted(room: Room): void {
    void room;
  }

  private notify(event: AdapterEvent, room: Room, id?: SocketId): void {
    // Check first: the common case has no listener and should allocate nothing.
    if (this.hasListeners(event)) this.dispatch(event, id === undefined ? [room] : [room, id]);
  }
}
