/**
 * One client of a load fleet: a `@cometa/client` socket on its own
 * connection (`forceNew`, no reconnection, so every drop is visible) that
 * records seq-stamped `tick` deliveries and answers the server's `q` asks.
 */
import { connect, type Socket } from "@cometa/client";
import { CorkingWebSocket } from "./corking-web-socket.js";
import type { LatencyHistogram } from "./latency-histogram.js";
import type { LeanFetch } from "./lean-fetch.js";
import { nowMs, type TickPayload } from "./load-server-protocol.js";
import { SeqTracker } from "./seq-tracker.js";

/** Counters shared by every client of a fleet (one object, no per-client totals to add up). */
export interface FleetCounters {
  unexpectedDisconnects: number;
  readonly disconnectReasons: Record<string, number>;
  questionsAnswered: number;
  readonly latency: LatencyHistogram;
  readonly crossLatency: LatencyHistogram;
}

const CONNECT_TIMEOUT_MS = 20_000;

/** A fleet client. */
export class FleetClient {
  readonly socket: Socket;
  /** Per publishing node: which ticks arrived. */
  readonly trackers = new Map<string, SeqTracker>();
  private closing = false;

  /**
   * @param home node name of the server at `url` (ticks from other nodes are cross-node)
   * @param fetch the fleet's HTTP client for long-polling (see lean-fetch.ts)
   */
  constructor(
    url: string,
    home: string | undefined,
    transports: readonly ("websocket" | "polling")[],
    counters: FleetCounters,
    fetch?: LeanFetch,
  ) {
    this.socket = connect(url, {
      forceNew: true,
      reconnection: false,
      transports: [...transports],
      timeout: CONNECT_TIMEOUT_MS,
      WebSocket: CorkingWebSocket, // Node 20 has no global WebSocket; this one batches a tick's frames per syscall
      ...(fetch !== undefined && { fetch }),
    });
    // Handlers are made once per client, never per message (hot path of the generator).
    this.socket.on("tick", (payload: TickPayload) => {
      const latency = nowMs() - payload.t;
      counters.latency.record(latency);
      if (home !== undefined && payload.n !== home) counters.crossLatency.record(latency);
      let tracker = this.trackers.get(payload.n);
      if (tracker === undefined) {
        tracker = new SeqTracker();
        this.trackers.set(payload.n, tracker);
      }
      tracker.record(payload.s);
    });
    this.socket.on("q", (n: unknown, ack: (n: unknown) => void) => {
      counters.questionsAnswered++;
      ack(n);
    });
    this.socket.on("disconnect", (reason: string) => {
      if (this.closing) return;
      counters.unexpectedDisconnects++;
      counters.disconnectReasons[reason] = (counters.disconnectReasons[reason] ?? 0) + 1;
    });
  }

  /** Resolves once connected and joined to `rooms`; rejects with the connect error or a timeout. */
  async ready(rooms: readonly string[]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      if (this.socket.connected) {
        resolve();
        return;
      }
      const timer = setTimeout(() => reject(new Error("connect timeout")), CONNECT_TIMEOUT_MS);
      this.socket.once("connect", () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.once("connect_error", (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    if (rooms.length === 0) return;
    const joined: unknown = await this.socket.timeout(CONNECT_TIMEOUT_MS).emitWithAck("join", rooms);
    if (joined !== true) throw new Error(`join answered ${JSON.stringify(joined)}`);
  }

  /** Disconnects on purpose (not counted as unexpected). */
  close(): void {
    this.closing = true;
    this.socket.disconnect();
  }
}
