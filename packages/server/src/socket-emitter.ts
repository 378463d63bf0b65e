import type {
  AllButLast,
  DecorateAcknowledgements,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  FirstAckArg,
} from "@cometa/protocol";
import type { BroadcastOperator } from "./broadcast-operator.js";
import type { BroadcastFlags, Room } from "./cluster/adapter.js";
import { ServerError } from "./errors.js";

/** The socket methods a flags view calls. */
export interface FlaggedEmitTarget<EmitEvents extends EventsMap, SocketData> {
  emitWithFlags(flags: BroadcastFlags, event: string, args: unknown[]): boolean;
  emitWithAckWithFlags(flags: BroadcastFlags, event: string, args: unknown[]): Promise<unknown>;
  broadcastWithFlags(flags: BroadcastFlags): BroadcastOperator<EmitEvents, SocketData>;
}

/** The event map a view's `emit` accepts: acks take `err` first under `timeout()`. */
type ViewEvents<E extends EventsMap, Timed extends boolean> = Timed extends true ? DecorateAcknowledgements<E> : E;

/**
 * `socket.timeout(ms)`, `socket.volatile` and `socket.compress(b)` return one of
 * these: an immutable view of the socket with flags for the next emit. The
 * socket itself is never mutated, so views can be kept and reused.
 *
 * @example
 * ```ts
 * socket.timeout(5000).emit("confirm", order, (err, ok) => { if (err) cancel(order); });
 * const answer = await socket.timeout(5000).emitWithAck("question", 42);
 * socket.volatile.emit("position", x, y); // dropped if the client is backed up
 * ```
 */
export class SocketEmitter<EmitEvents extends EventsMap, SocketData, Timed extends boolean = false> {
  constructor(
    private readonly socket: FlaggedEmitTarget<EmitEvents, SocketData>,
    readonly flags: BroadcastFlags,
  ) {}

  /** Emit to the socket with this view's flags. */
  emit<Ev extends EventNames<EmitEvents>>(event: Ev, ...args: EventParams<ViewEvents<EmitEvents, Timed>, Ev>): boolean {
    return this.socket.emitWithFlags(this.flags, event, args);
  }

  /** Emit and wait for the ack; resolves with its first argument. */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    event: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstAckArg<EmitEvents, Ev>> {
    return this.socket.emitWithAckWithFlags(this.flags, event, args) as Promise<FirstAckArg<EmitEvents, Ev>>;
  }

  /** Wait at most `ms` for the ack; the callback then gets `err` first. */
  timeout(ms: number): SocketEmitter<EmitEvents, SocketData, true> {
    if (!Number.isFinite(ms) || ms < 0) throw new ServerError("INVALID_ARGUMENT", `invalid timeout: ${ms}`);
    return new SocketEmitter(this.socket, { ...this.flags, timeout: ms });
  }

  /** Drop if the client cannot take it right now. */
  get volatile(): SocketEmitter<EmitEvents, SocketData, Timed> {
    return new SocketEmitter(this.socket, { ...this.flags, volatile: true });
  }

  /** Per-message deflate hint. */
  compress(compress: boolean): SocketEmitter<EmitEvents, SocketData, Timed> {
    return new SocketEmitter(this.socket, { ...this.flags, compress });
  }

  /** Broadcast to every other socket of the namespace, with these flags. */
  get broadcast(): BroadcastOperator<EmitEvents, SocketData> {
    return this.socket.broadcastWithFlags(this.flags);
  }

  /** Broadcast to `room` (excluding this socket), with these flags. */
  to(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcast.to(room);
  }

  /** Alias of {@link to}. */
  in(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcast.to(room);
  }

  /** Broadcast to every other socket except those in `room`, with these flags. */
  except(room: Room | readonly Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.broadcast.except(room);
  }
}
