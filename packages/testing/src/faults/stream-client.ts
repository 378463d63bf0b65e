import { performance } from "node:perf_hooks";
import { connect, type Socket } from "@cometa/client";
import { FaultWebSocket } from "./fault-websocket.js";
import { type SeqSource, SeqTally, untilSeq } from "./seq-tally.js";

/** An interval during which a client was not connected (`until` undefined: still out). */
export interface Outage {
  readonly from: number;
  until: number | undefined;
  readonly reason: string;
}

/** Options of {@link StreamClient}. */
export interface StreamClientOptions {
  readonly url: string;
  readonly clientId: string;
  readonly room: string;
  /** Reconnection backoff, ms (the client's own full-jitter schedule). Default 100 / 500. */
  readonly reconnectionDelay?: number;
  readonly reconnectionDelayMax?: number;
  /** Default `["websocket"]`. */
  readonly transports?: ("websocket" | "polling")[];
}

/**
 * A `@cometa/client` socket that joins a room (auth `{ room, clientId }`),
 * tallies the `seq` stream it receives and records every outage with
 * `performance.now()` stamps, so a test can check that what was lost was
 * published while this client was away.
 */
export class StreamClient {
  readonly tally = new SeqTally();
  readonly outages: Outage[] = [];
  /** Latency (receive time − stamp) of every message that carried a wall-clock stamp, ms. */
  readonly latencies: number[] = [];
  readonly socket: Socket;
  connects = 0;
  /** Client → server stream (`up(n)`): for each number sent, whether the socket was disconnected (offline buffer). */
  readonly upSentOffline: boolean[] = [];
  /** Numbers the client refused to buffer (offline buffer full). */
  readonly upRefused = new Set<number>();
  #upTimer: ReturnType<typeof setInterval> | undefined;

  constructor(readonly options: StreamClientOptions) {
    this.socket = connect(options.url, {
      forceNew: true,
      transports: options.transports ?? ["websocket"],
      WebSocket: FaultWebSocket,
      auth: { room: options.room, clientId: options.clientId },
      reconnectionDelay: options.reconnectionDelay ?? 100,
      reconnectionDelayMax: options.reconnectionDelayMax ?? 500,
      timeout: 1000,
    });
    this.socket.on("connect", () => {
      this.connects += 1;
      const last = this.outages.at(-1);
      if (last !== undefined && last.until === undefined) last.until = performance.now();
    });
    this.socket.on("disconnect", (reason: string) => {
      this.outages.push({ from: performance.now(), until: undefined, reason });
    });
    this.socket.on("seq", (n: number, stamp?: number) => {
      this.tally.record(n);
      if (typeof stamp === "number") this.latencies.push(Date.now() - stamp);
    });
  }

  /** Resolves once number `n` has arrived (at once if it has). */
  received(n: number): Promise<void> {
    return untilSeq(this.socket as SeqSource, this.tally, n);
  }

  /** Numbers in `1..sent` that never arrived although this client was connected when they left. */
  lostWhileConnected(sentAt: readonly number[], graceMs: number): number[] {
    return this.tally.missing(1, sentAt.length).filter((n) => !this.wasAwayAt(sentAt[n - 1]!, graceMs));
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Resolves on the next `connect` (at once when connected and `fresh` is false). */
  connected$(fresh = false): Promise<void> {
    if (!fresh && this.socket.connected) return Promise.resolve();
    return new Promise((resolve) => this.socket.once("connect", () => resolve()));
  }

  /** Whether this client was out (disconnected, or back for less than `graceMs`) at time `t`. */
  wasAwayAt(t: number, graceMs: number): boolean {
    return this.outages.some((o) => t >= o.from - graceMs && (o.until === undefined || t <= o.until + graceMs));
  }

  /** Emit `up(1)`, `up(2)`, … every `periodMs` whatever the connection state (emits while away are buffered). */
  startUpstream(periodMs = 10): void {
    this.#upTimer ??= setInterval(() => {
      this.upSentOffline.push(!this.socket.connected);
      try {
        this.socket.emit("up", this.upSentOffline.length);
      } catch {
        // Past the offline buffer cap (a long outage): refused by design, counted as such.
        this.upRefused.add(this.upSentOffline.length);
      }
    }, periodMs);
  }

  stopUpstream(): void {
    clearInterval(this.#upTimer);
    this.#upTimer = undefined;
  }

  close(): void {
    this.stopUpstream();
    this.socket.io.close();
  }
}
