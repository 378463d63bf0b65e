import {
  type AllButLast,
  type DecorateAcknowledgementsWithMultipleResponses,
  type DefaultEventsMap,
  type EventNames,
  type EventNamesWithAck,
  type EventParams,
  type EventsMap,
  type FirstAckArg,
  type Packet,
  PacketType,
  RESERVED_EVENTS,
} from "@cometa/protocol";
import { BroadcastAckCollector } from "./broadcast-ack.js";
import type { Clock } from "./clock.js";
import type { Adapter, BroadcastFlags, BroadcastOptions, LocalSocket, Room, SocketDetails } from "./cluster/adapter.js";
import { markPartial, missingNodes } from "./cluster/partial-answer.js";
import { type RemoteSocket, RemoteSocketProxy } from "./cluster/remote-socket.js";
import { ServerError } from "./errors.js";
import type { Recovery, RecoveryScope } from "./recovery/recovery.js";

/** What an operator needs from its namespace. */
export interface OperatorHost extends RecoveryScope {
  readonly name: string;
  /** Connection state recovery, when enabled. */
  readonly recovery?: Recovery | undefined;
  readonly adapter: Adapter;
  readonly clock: Clock;
  /** The next ack id of the namespace. */
  nextAckId(): number;
  /** Report an error thrown by a callback that runs with no caller (timers). */
  reportError(error: unknown): void;
}

const NO_ROOMS: ReadonlySet<Room> = new Set();
const NO_FLAGS: BroadcastFlags = Object.freeze({});

/**
 * An immutable broadcast target: rooms, exclusions and flags. Every modifier
 * returns a new operator, so partial chains can be kept and shared:
 *
 * @example
 * ```ts
 * const admins = io.to("admins");
 * admins.emit("alert", "disk full");               // everyone in "admins"
 * admins.except("muted").volatile.emit("tick", 1); // `admins` itself is unchanged
 * io.to(["a", "b"]).emit("hi");                     // once per socket, even if in both rooms
 * io.timeout(1000).emit("poll", (err, answers) => { ... }); // one answer per recipient
 * ```
 */
export class BroadcastOperator<EmitEvents extends EventsMap = DefaultEventsMap, SocketData = unknown> {
  private readonly opts: BroadcastOptions;

  constructor(
    private readonly host: OperatorHost,
    rooms: ReadonlySet<Room> = NO_ROOMS,
    exceptRooms: ReadonlySet<Room> = NO_ROOMS,
    flags: BroadcastFlags = NO_FLAGS,
  ) {
    this.opts = { rooms, except: exceptRooms, flags };
  }

  /** Target rooms (empty: every socket of the namespace). */
  get rooms(): ReadonlySet<Room> {
    return this.opts.rooms;
  }

  /** Excluded rooms. */
  get exceptRooms(): ReadonlySet<Room> {
    return this.opts.except;
  }

  /** Flags (volatile, compress, local, timeout). */
  get flags(): BroadcastFlags {
    return this.opts.flags;
  }

  /** Also target `room` (or several). A socket in several target rooms receives once. */
  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.host, withRooms(this.opts.rooms, room), this.opts.except, this.opts.flags);
  }

  /** Alias of {@link to}. */
  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.to(room);
  }

  /** Exclude the sockets in `room` (or several). */
  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.host, this.opts.rooms, withRooms(this.opts.except, room), this.opts.flags);
  }

  /** Per-message deflate hint for the recipients. */
  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return this.withFlags({ ...this.opts.flags, compress });
  }

  /** Drop for recipients that cannot take the message right now (backed up, mid-upgrade). */
  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return this.withFlags({ ...this.opts.flags, volatile: true });
  }

  /** This node only: the cluster adapter does not forward it. */
  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return this.withFlags({ ...this.opts.flags, local: true });
  }

  /** Wait at most `ms` for the acknowledgements of the next emit. */
  timeout(ms: number): BroadcastOperator<EmitEvents, SocketData> {
    if (!Number.isFinite(ms) || ms < 0) throw new ServerError("INVALID_ARGUMENT", `invalid timeout: ${ms}`);
    return this.withFlags({ ...this.opts.flags, timeout: ms });
  }

  /**
   * Send an event to every targeted socket. The packet is encoded once per
   * codec. With a trailing callback, each recipient is asked for an ack and
   * the callback gets `(err, responses)`: `err` is `null` once every
   * recipient answered, an `AckTimeoutError` (with the replies so far) when
   * the timeout expires first.
   *
   * @throws ServerError `RESERVED_EVENT` for a lifecycle event name.
   */
  emit<Ev extends EventNames<EmitEvents>>(
    event: Ev,
    ...args: EventParams<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, Ev>
  ): boolean {
    assertEmittable(event);
    const data: unknown[] = [event, ...args];
    const last = data[data.length - 1];
    if (typeof last !== "function") {
      this.broadcastLogged(data);
      return true;
    }
    data.pop();
    this.broadcastWithAck(data, last as (err: Error | null, responses: unknown[]) => void);
    return true;
  }

  /**
   * Like `emit` with an ack, as a promise of every recipient's reply.
   * Rejects with an `AckTimeoutError` (its `responses` hold the replies so far).
   */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    event: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstAckArg<EmitEvents, Ev>[]> {
    assertEmittable(event);
    return new Promise((resolve, reject) => {
      this.broadcastWithAck([event, ...args], (err, responses) =>
        err === null ? resolve(responses as FirstAckArg<EmitEvents, Ev>[]) : reject(err),
      );
    });
  }

  /**
   * The targeted sockets, cluster-wide (local ones live, remote ones as
   * proxies). A node that is dead or too slow never fails the call: its
   * sockets are missing, and `missingNodes(result)` names it.
   */
  async fetchSockets(): Promise<RemoteSocket<SocketData>[]> {
    const found = await this.host.adapter.fetchSockets(this.opts);
    const sockets = found.map((socket) =>
      isLocal(socket)
        ? (socket as unknown as RemoteSocket<SocketData>)
        : new RemoteSocketProxy<SocketData>(this.remoteOperations(), socket),
    );
    // `map` makes a new array: carry the partial-answer marker over.
    const missing = missingNodes(found);
    return missing.length === 0 ? sockets : markPartial(sockets, missing);
  }

  /** Make the targeted sockets join `room` (or several). */
  socketsJoin(room: Room | readonly Room[]): void {
    this.host.adapter.addSockets(this.opts, typeof room === "string" ? [room] : room);
  }

  /** Make the targeted sockets leave `room` (or several). */
  socketsLeave(room: Room | readonly Room[]): void {
    this.host.adapter.delSockets(this.opts, typeof room === "string" ? [room] : room);
  }

  /** Disconnect the targeted sockets; with `close`, their whole connections. */
  disconnectSockets(close = false): void {
    this.host.adapter.disconnectSockets(this.opts, close);
  }

  /**
   * Like `emit` without an ack, resolving with the event's recovery offset
   * (undefined when recovery is off or the event is not logged). A handler can
   * put it in its ack, so the sender places its own message exactly and
   * drops the echo (read-your-writes).
   *
   * @example
   * ```ts
   * socket.on("say", async (text, ack) => ack({ offset: await io.to("lobby").emitWithOffset("said", text) }));
   * ```
   */
  emitWithOffset<Ev extends EventNames<EmitEvents>>(event: Ev, ...args: EventParams<EmitEvents, Ev>): Promise<string | undefined> {
    assertEmittable(event);
    return Promise.resolve(this.broadcastLogged([event, ...args]));
  }

  /** Broadcast without ack; with recovery, log it first (the shared log's feed then delivers it). */
  private broadcastLogged(data: unknown[]): string | Promise<string | undefined> | undefined {
    const packet: Packet = { type: PacketType.EVENT, nsp: this.host.name, data };
    const recovery = this.host.recovery;
    if (recovery?.isLogged(packet, this.opts.flags)) {
      const offset = recovery.logBroadcast(this.host, packet, this.opts);
      if (typeof offset !== "string") return offset;
      this.host.adapter.broadcast(packet, this.opts);
      return offset;
    }
    this.host.adapter.broadcast(packet, this.opts);
    return undefined;
  }

  private withFlags(flags: BroadcastFlags): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.host, this.opts.rooms, this.opts.except, flags);
  }

  private broadcastWithAck(data: unknown[], callback: (err: Error | null, responses: unknown[]) => void): void {
    const packet: Packet = { type: PacketType.EVENT, nsp: this.host.name, data, id: this.host.nextAckId() };
    const collector = new BroadcastAckCollector(callback, this.opts.flags.timeout, this.host.clock, (error) =>
      this.host.reportError(error),
    );
    const adapter = this.host.adapter;
    adapter.broadcastWithAck(packet, this.opts, collector.onClientCount, collector.onAck);
    // A local broadcast is answered by this node only, whatever the cluster size.
    const servers = this.opts.flags.local === true ? Promise.resolve(1) : adapter.serverCount();
    servers.then(collector.onServerCount, () => collector.onServerCount(1));
  }

  private remoteOperations() {
    const host = this.host;
    const target = (id: string): BroadcastOperator => new BroadcastOperator(host, new Set([id]));
    return {
      emit: (id: string, event: string, args: unknown[]) => (target(id).emit as (...a: unknown[]) => boolean)(event, ...args),
      join: (id: string, rooms: readonly Room[]) => target(id).socketsJoin(rooms),
      leave: (id: string, rooms: readonly Room[]) => target(id).socketsLeave(rooms),
      disconnect: (id: string, close: boolean) => target(id).disconnectSockets(close),
    };
  }
}

/** Throw for names no one may emit (`connect`, `disconnect`, …). */
export function assertEmittable(event: unknown): void {
  if (typeof event === "string" && RESERVED_EVENTS.has(event)) {
    throw new ServerError("RESERVED_EVENT", `"${event}" is a reserved event name`);
  }
}

function withRooms(current: ReadonlySet<Room>, room: Room | readonly Room[]): ReadonlySet<Room> {
  const next = new Set(current);
  if (typeof room === "string") next.add(room);
  else for (const r of room) next.add(r);
  return next;
}

function isLocal(socket: LocalSocket | SocketDetails): socket is LocalSocket {
  return typeof (socket as LocalSocket).join === "function";
}
