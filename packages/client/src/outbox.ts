import { type Packet, PacketType } from "@cometa/protocol";
import { type AckCallback, AckRegistry } from "./ack-registry.js";
import { containsBlob, normalizeBinary, resolveBlobs } from "./binary.js";
import type { Clock } from "./clock.js";
import type { EmitFlags } from "./emit-operator.js";
import { ClientError } from "./errors.js";
import { createMessageIds } from "./message-id.js";
import { OfflineBuffer } from "./offline-buffer.js";
import { OrderedGate } from "./ordered-gate.js";
import { reportError } from "./report-error.js";
import { type RetryEntry, RetryQueue } from "./retry-queue.js";
import type { SocketOptions } from "./socket-types.js";

/** What the outbox needs from its socket. */
export interface OutboxHost {
  readonly nsp: string;
  /** The namespace is joined: packets may leave now. */
  isConnected(): boolean;
  /** Send now (and tell outgoing listeners); false when the connection refused the packet. */
  transmit(packet: Packet, volatile: boolean): boolean;
}

/**
 * Everything that leaves a socket as an EVENT: ack bookkeeping and timeouts,
 * the bounded offline buffer, the `retries` queue with its client message
 * ids, binary normalisation and the ordering of emits that wait for a Blob.
 */
export class Outbox {
  readonly #host: OutboxHost;
  readonly #options: SocketOptions;
  readonly #acks: AckRegistry;
  readonly #buffer: OfflineBuffer<Packet>;
  readonly #retryQueue: RetryQueue | undefined;
  readonly #gate = new OrderedGate(reportError);
  readonly #nextMid: () => string;

  constructor(host: OutboxHost, options: SocketOptions, clock: Clock, random: () => number) {
    this.#host = host;
    this.#options = options;
    this.#buffer = new OfflineBuffer(options.offlineBufferSize);
    // An ack that times out while its packet still waits here takes the packet with it: it is never sent late.
    this.#acks = new AckRegistry(clock, (id) => this.#buffer.removeWhere((p) => p.id === id));
    this.#nextMid = createMessageIds(random);
    if (options.retries > 0) {
      this.#retryQueue = new RetryQueue(
        options.retries,
        options.offlineBufferSize,
        () => host.isConnected(),
        (entry, onResult) => this.#transmitRetry(entry, onResult),
      );
    }
  }

  /** Emits waiting to be sent (or, with `retries`, to be acknowledged). */
  get size(): number {
    return this.#buffer.size + (this.#retryQueue?.size ?? 0);
  }

  /** Send, buffer or drop one emit. A trailing function in `args` is its ack. */
  emit(event: string, args: readonly unknown[], flags: EmitFlags, errorFirst: boolean): void {
    const list = args.slice();
    const last = list[list.length - 1];
    const ack = typeof last === "function" ? (list.pop() as AckCallback) : undefined;
    if (this.#retryQueue !== undefined && !flags.volatile) {
      this.#queueRetry(event, list, ack, flags);
      return;
    }
    if (!containsBlob(list)) {
      this.#gate.run(() => this.#emitPacket(event, list, ack, flags, errorFirst));
      return;
    }
    let resolved: unknown[] = list;
    const read = resolveBlobs(list).then((value) => {
      resolved = value as unknown[];
    });
    this.#gate.run(() => this.#emitPacket(event, resolved, ack, flags, errorFirst), read);
  }

  /** An ACK arrived for one of our emits. */
  resolveAck(id: number, reply: readonly unknown[]): void {
    this.#acks.resolve(id, reply);
  }

  /** The namespace was joined: send what waited, in order, then resume the retry queue. */
  onConnected(): void {
    for (const packet of this.#buffer.drain()) {
      if (!this.#host.transmit(packet, false)) this.#store(packet);
    }
    this.#retryQueue?.drain();
  }

  /** The namespace connection was lost. */
  onDisconnected(): void {
    // The in-flight retry will be sent again after reconnection, under the same mid.
    this.#retryQueue?.pause();
    // Acks of packets already sent can never arrive now; those still buffered keep waiting.
    const error = new ClientError("DISCONNECTED", "socket has been disconnected");
    this.#acks.rejectSent((id) => this.#buffer.some((p) => p.id === id), error);
  }

  #emitPacket(event: string, args: unknown[], ack: AckCallback | undefined, flags: EmitFlags, errorFirst: boolean) {
    const data = [event, ...(normalizeBinary(args) as unknown[])];
    const packet: Packet = { type: PacketType.EVENT, nsp: this.#host.nsp, data };
    const timeout = flags.timeout ?? this.#options.ackTimeout;
    // As in socket.io-client, any ack with a timeout is error-first.
    if (ack !== undefined) packet.id = this.#acks.register(ack, errorFirst || timeout !== undefined, timeout);
    if (this.#host.isConnected()) {
      if (!this.#host.transmit(packet, flags.volatile) && !flags.volatile) this.#store(packet);
    } else if (!flags.volatile) {
      this.#store(packet);
    }
    // A dropped volatile emit keeps its ack timer, if any: it fails with ACK_TIMEOUT, as in socket.io-client.
  }

  #store(packet: Packet): void {
    if (this.#buffer.push(packet)) return;
    if (packet.id !== undefined) {
      this.#acks.reject(packet.id, new ClientError("OFFLINE_BUFFER_FULL", `offline buffer full (${this.#buffer.limit})`));
    }
  }

  #queueRetry(event: string, args: unknown[], ack: AckCallback | undefined, flags: EmitFlags): void {
    const entry: RetryEntry = {
      event,
      args: normalizeBinary(args) as unknown[],
      ack,
      mid: this.#nextMid(),
      timeoutMs: flags.timeout ?? this.#options.ackTimeout,
      tries: 0,
      inFlight: false,
    };
    if (!this.#retryQueue!.push(entry)) {
      ack?.(new ClientError("OFFLINE_BUFFER_FULL", `retry queue full (${this.#options.offlineBufferSize})`));
    }
  }

  #transmitRetry(entry: RetryEntry, onResult: AckCallback): void {
    const id = this.#acks.register(onResult, true, entry.timeoutMs);
    const data = [entry.event, ...entry.args];
    // If the engine refuses it, the connection is going down: pause() and reconnection resend it.
    this.#host.transmit({ type: PacketType.EVENT, nsp: this.#host.nsp, id, data, mid: entry.mid }, false);
  }
}
