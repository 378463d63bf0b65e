import { randomBytes } from "node:crypto";
import { PacketType, RESERVED_EVENTS } from "@cometa/protocol";
import {
  type BroadcastFlags,
  broadcastRoute,
  type ClusterMessage,
  type ClusterMessageData,
  ClusterMessageType as T,
  type Room,
} from "@cometa/server/cluster";
import { ChannelNames } from "./channel-names.js";
import { encodeBody, FLAG_MULTI_ROOM, wrapBody } from "./envelope.js";
import { RedisAdapterError } from "./errors.js";
import { isCluster, type RedisClient } from "./redis-clients.js";
import { createMetrics, type RedisMetrics } from "./redis-metrics.js";
import { feedChannel } from "./recovery/recovery-feed.js";
import { RedisPacketLog } from "./recovery/redis-packet-log.js";
import { SequenceCounter } from "./sequence.js";

/** Options of {@link createEmitter}. */
export interface EmitterOptions {
  /** Channel prefix of the servers' adapter. Default `"cometa"`. */
  readonly prefix?: string;
  /** Most publishes awaiting Redis at once; beyond, a publish is dropped and counted. Default 4096. */
  readonly maxPendingPublishes?: number;
  /**
   * Receives every failed publish (Redis down, overflow). Default: logs the
   * first failure after a success, so an outage is logged once.
   */
  readonly onError?: (error: RedisAdapterError) => void;
  /**
   * The servers use connection state recovery with `redisRecoveryStores`: log
   * every non-volatile `emit` in the namespace's stream and publish it on its
   * feed, so it gets an offset and is replayed to clients that missed it, like
   * a server's own broadcasts. Give the stores' values (same `prefix` as the
   * stores, default `cometa`). Needs a standalone Redis. Default: off (emits
   * are delivered live only).
   */
  readonly recovery?: boolean | { readonly prefix?: string; readonly maxDisconnectionDuration?: number; readonly maxEntries?: number };
}

/** State shared by an emitter and every operator and namespace derived from it. */
class EmitterCore {
  readonly publisherId = randomBytes(8).toString("hex");
  /** The uid servers see as the sender: never a node, never waited for. */
  readonly uid = `emitter-${this.publisherId}`;
  readonly metrics: RedisMetrics = createMetrics();
  readonly names: ChannelNames;
  private readonly counter = new SequenceCounter();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly maxPending: number;
  private readonly sharded: boolean;
  private readonly onError: (error: RedisAdapterError) => void;
  private failing = false;
  private nextBid = 0;
  /** The recovery log, when the emitter logs its emits (`recovery`). */
  private readonly log: RedisPacketLog | undefined;
  private readonly logPrefix: string;

  constructor(
    private readonly client: RedisClient,
    options: EmitterOptions,
  ) {
    this.names = new ChannelNames(options.prefix);
    this.maxPending = options.maxPendingPublishes ?? 4096;
    this.sharded = isCluster(client);
    const recovery = options.recovery === true ? {} : options.recovery === false ? undefined : options.recovery;
    this.logPrefix = recovery?.prefix ?? "cometa";
    if (recovery !== undefined) {
      if (this.sharded) throw new RedisAdapterError("INVALID_ARGUMENT", "an emitter with recovery needs a standalone Redis, like redisRecoveryStores");
      this.log = new RedisPacketLog(client, {
        prefix: this.logPrefix,
        maxAge: recovery.maxDisconnectionDuration,
        maxEntries: recovery.maxEntries,
      });
    }
    this.onError =
      options.onError ??
      ((error) => {
        if (this.failing) return;
        this.failing = true;
        console.error("[cometa/redis] emitter:", error.message, error.cause ?? "");
      });
  }

  /** Publish a message to its namespace channel, or to its rooms' channels. */
  send<K extends ClusterMessage["type"]>(nsp: string, type: K, data: ClusterMessageData[K], rooms?: readonly Room[]): void {
    const message = { uid: this.uid, nsp, type, data } as ClusterMessage;
    const channels = rooms === undefined ? [this.names.namespace(nsp)] : rooms.map((room) => this.names.room(nsp, room));
    if (this.pending.size + channels.length > this.maxPending) {
      this.metrics.publishOverflow += channels.length;
      this.onError(new RedisAdapterError("PUBLISH_OVERFLOW", `more than ${this.maxPending} publishes awaiting redis`));
      return;
    }
    const body = encodeBody(message);
    const flags = channels.length > 1 ? FLAG_MULTI_ROOM : 0;
    const bid = ++this.nextBid;
    for (const channel of channels) {
      const bytes = wrapBody(body, flags, this.publisherId, this.uid, this.counter.take(channel), bid);
      this.metrics.published++;
      this.metrics.pendingPublishes++;
      const sent = (this.sharded ? this.client.spublish(channel, bytes) : this.client.publish(channel, bytes)).then(
        () => {
          this.failing = false;
        },
        (error: unknown) => {
          this.metrics.publishFailed++;
          this.onError(new RedisAdapterError("PUBLISH_FAILED", "redis publish failed", { cause: error }));
        },
      );
      this.pending.add(sent);
      sent.finally(() => {
        this.pending.delete(sent);
        this.metrics.pendingPublishes--;
      });
    }
  }

  /**
   * Log a broadcast in the namespace's recovery stream and publish it on its
   * feed (one script): every server delivers it with its offset. Returns false
   * when the emitter does not log (no `recovery`).
   */
  logged(nsp: string, entry: { data: unknown[]; rooms: string[]; except: string[] }): boolean {
    const log = this.log;
    if (log === undefined) return false;
    if (this.pending.size + 1 > this.maxPending) {
      this.metrics.publishOverflow++;
      this.onError(new RedisAdapterError("PUBLISH_OVERFLOW", `more than ${this.maxPending} publishes awaiting redis`));
      return true;
    }
    this.metrics.published++;
    this.metrics.pendingPublishes++;
    const sent = log.append(nsp, entry, feedChannel(this.logPrefix, nsp)).then(
      () => {
        this.failing = false;
      },
      (error: unknown) => {
        this.metrics.publishFailed++;
        this.onError(new RedisAdapterError("PUBLISH_FAILED", "redis log append failed", { cause: error }));
      },
    );
    this.pending.add(sent);
    sent.finally(() => {
      this.pending.delete(sent);
      this.metrics.pendingPublishes--;
    });
    return true;
  }

  /** Resolves once every publish so far has been answered by Redis (or failed). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}

/**
 * Targets and flags of one emit, immutable like the server's broadcast
 * operator: `to()`, `except()` and the flags return a new operator.
 */
export class EmitterOperator {
  constructor(
    protected readonly core: EmitterCore,
    protected readonly nsp: string,
    protected readonly rooms: ReadonlySet<Room> = new Set(),
    protected readonly exceptRooms: ReadonlySet<Room> = new Set(),
    protected readonly flags: BroadcastFlags = {},
  ) {}

  /** Target `room` (or several); chain to target more. */
  to(room: Room | readonly Room[]): EmitterOperator {
    return new EmitterOperator(this.core, this.nsp, add(this.rooms, room), this.exceptRooms, this.flags);
  }

  /** Alias of {@link to}. */
  in(room: Room | readonly Room[]): EmitterOperator {
    return this.to(room);
  }

  /** Leave out sockets in `room` (or several). */
  except(room: Room | readonly Room[]): EmitterOperator {
    return new EmitterOperator(this.core, this.nsp, this.rooms, add(this.exceptRooms, room), this.flags);
  }

  /** Drop for clients that cannot take it right now. */
  get volatile(): EmitterOperator {
    return new EmitterOperator(this.core, this.nsp, this.rooms, this.exceptRooms, { ...this.flags, volatile: true });
  }

  /** Per-message deflate hint. */
  compress(compress: boolean): EmitterOperator {
    return new EmitterOperator(this.core, this.nsp, this.rooms, this.exceptRooms, { ...this.flags, compress });
  }

  /**
   * Send an event to the targeted sockets on every server. Returns true; a
   * failed publish goes to `onError` and `metrics`, never to the caller (no
   * acks: a worker cannot receive replies).
   *
   * @throws RedisAdapterError `INVALID_ARGUMENT` for a reserved event name or a trailing callback.
   */
  emit(event: string, ...args: unknown[]): true {
    if (RESERVED_EVENTS.has(event)) throw new RedisAdapterError("INVALID_ARGUMENT", `"${event}" is a reserved event name`);
    if (typeof args[args.length - 1] === "function") {
      throw new RedisAdapterError("INVALID_ARGUMENT", "the emitter does not support acknowledgements");
    }
    // With recovery, a non-volatile emit is logged and reaches the servers through their feed (never both ways).
    if (this.flags.volatile !== true && this.core.logged(this.nsp, { data: [event, ...args], rooms: [...this.rooms], except: [...this.exceptRooms] })) {
      return true;
    }
    const opts = { rooms: [...this.rooms], except: [...this.exceptRooms], flags: this.flags };
    const packet = { type: PacketType.EVENT, nsp: this.nsp, data: [event, ...args] };
    const route = broadcastRoute({ rooms: this.rooms, except: this.exceptRooms, flags: this.flags });
    this.core.send(this.nsp, T.BROADCAST, { opts, packet }, route);
    return true;
  }

  /** Make the targeted sockets join `room` (or several), on every server. */
  socketsJoin(room: Room | readonly Room[]): void {
    this.core.send(this.nsp, T.SOCKETS_JOIN, { opts: this.wireOptions(), rooms: list(room) });
  }

  /** Make the targeted sockets leave `room` (or several), on every server. */
  socketsLeave(room: Room | readonly Room[]): void {
    this.core.send(this.nsp, T.SOCKETS_LEAVE, { opts: this.wireOptions(), rooms: list(room) });
  }

  /** Disconnect the targeted sockets; with `close`, their whole connections. */
  disconnectSockets(close = false): void {
    this.core.send(this.nsp, T.DISCONNECT_SOCKETS, { opts: this.wireOptions(), close });
  }

  private wireOptions() {
    return { rooms: [...this.rooms], except: [...this.exceptRooms], flags: {} };
  }
}

/**
 * Publishes into a Cometa cluster from a process without a server. Uses your
 * client as is (it does not close it); publishes are bounded
 * (`maxPendingPublishes`), stamped with sequence numbers like the servers'
 * own, and never throw or reject: failures go to `onError` and `metrics`.
 */
export class RedisEmitter extends EmitterOperator {
  /** Counters of this emitter (shared by its namespaces). */
  get metrics(): RedisMetrics {
    return this.core.metrics;
  }

  /** The emitter of namespace `nsp`. */
  of(nsp: string): RedisEmitter {
    if (typeof nsp !== "string" || !nsp.startsWith("/")) {
      throw new RedisAdapterError("INVALID_ARGUMENT", `namespace must start with "/": ${String(nsp)}`);
    }
    return new RedisEmitter(this.core, nsp);
  }

  /** Emit `[event, ...args]` to the listeners of this namespace on every server (`io.on(event)`), without ack. */
  serverSideEmit(event: string, ...args: unknown[]): true {
    if (typeof args[args.length - 1] === "function") {
      throw new RedisAdapterError("INVALID_ARGUMENT", "the emitter does not support acknowledgements");
    }
    this.core.send(this.nsp, T.SERVER_SIDE_EMIT, { packet: [event, ...args] });
    return true;
  }

  /** Resolves once Redis answered every publish so far; call before a worker exits. */
  flush(): Promise<void> {
    return this.core.flush();
  }
}

/**
 * An emitter for workers: `to()`, `except()`, `of()`, `volatile`,
 * `compress()`, `socketsJoin`, `socketsLeave`, `disconnectSockets`,
 * `serverSideEmit`. Pass the same kind of client the servers use (standalone
 * or `Cluster`) and the same `prefix`. When the servers recover connection
 * state through `redisRecoveryStores`, pass `recovery` so that emits are
 * logged and replayed to clients that missed them.
 *
 * @example
 * ```ts
 * const emitter = createEmitter(new Redis(process.env.REDIS_URL!));
 * emitter.to("room42").emit("news", { id: 1 });
 * emitter.of("/admin").in("ops").socketsJoin("alerts");
 * await emitter.flush();
 * ```
 */
export function createEmitter(redis: RedisClient, options: EmitterOptions = {}): RedisEmitter {
  return new RedisEmitter(new EmitterCore(redis, options), "/");
}

function add(current: ReadonlySet<Room>, room: Room | readonly Room[]): ReadonlySet<Room> {
  const next = new Set(current);
  for (const r of list(room)) next.add(r);
  return next;
}

function list(room: Room | readonly Room[]): Room[] {
  return typeof room === "string" ? [room] : [...room];
}
