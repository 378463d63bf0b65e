import type { Clock, TimerHandle } from "@cometa/server";

/**
 * The part of an ioredis client (standalone `Redis` or `Cluster`) the health
 * check needs. Structural, so tests can drive it with a fake.
 */
export interface HealthCheckedClient {
  /** ioredis status: "wait" | "connecting" | "connect" | "ready" | "reconnecting" | "close" | "end" … */
  readonly status: string;
  ping(): Promise<unknown>;
  on(event: "ready" | "close" | "end" | "error", listener: (...args: unknown[]) => void): unknown;
  off(event: "ready" | "close" | "end" | "error", listener: (...args: unknown[]) => void): unknown;
  /** Standalone clients: the socket, destroyed to force a reconnect (an `end()` would wait for a frozen peer). */
  readonly stream?: { destroy(): void } | undefined;
  /** Cluster clients: reconnect by disconnecting with `reconnect = true`. */
  disconnect(reconnect?: boolean): void;
}

/** Health-check timing. */
export interface HealthCheckOptions {
  /** How often a PING is sent on a ready connection, ms. Default 1000. */
  readonly pingInterval?: number;
  /**
   * A PING unanswered for this long, or a connection stuck between TCP connect
   * and ready for this long, forces a reconnect, ms. Default 2000. A silent
   * partition is so noticed within `pingInterval + pingTimeout`.
   */
  readonly pingTimeout?: number;
  /** Time source (tests inject a fake). */
  readonly clock?: Clock;
}

/** States of a monitored connection. */
export type ConnectionState = "connecting" | "ready" | "down" | "closed";

/** Why a connection changed state. */
export type ConnectionReason =
  | "ready" // ioredis reported ready (connected and handshake done)
  | "connection-closed" // the socket closed (Redis gone, network error)
  | "ping-timeout" // a PING went unanswered: a silent partition or a frozen Redis
  | "handshake-timeout" // TCP connected but the ready check never answered
  | "closed"; // closed by us

/** A state transition, as `onChange` receives it. */
export interface ConnectionStateChange {
  readonly from: ConnectionState;
  readonly to: ConnectionState;
  readonly reason: ConnectionReason;
}

/**
 * Watches one Redis connection: follows ioredis' ready/close events and, on a
 * timer, sends a PING with a deadline (valid in subscribed mode too). TCP
 * alone never notices a silent partition or a frozen (SIGSTOP'd) Redis; a
 * missed deadline destroys the socket so ioredis reconnects, and the owner
 * resubscribes on the next `ready`.
 */
export class MonitoredConnection {
  private current: ConnectionState = "connecting";
  private timer: TimerHandle | undefined;
  /** When the outstanding probe was sent (undefined: none outstanding). */
  private probeSentAt: number | undefined;
  /** Bumped on every reconnect, so a late PONG from an old socket is ignored. */
  private generation = 0;
  /** Since when the connection has been between TCP connect and ready. */
  private handshakeSince: number | undefined;
  private readonly clock: Clock;
  private readonly pingInterval: number;
  private readonly pingTimeout: number;
  private readonly onReady = () => this.setState("ready", "ready");
  private readonly onClose = () => this.setState("down", "connection-closed");

  constructor(
    readonly client: HealthCheckedClient,
    options: HealthCheckOptions & { readonly clock: Clock },
    private readonly onChange: (change: ConnectionStateChange) => void,
  ) {
    this.clock = options.clock;
    this.pingInterval = options.pingInterval ?? 1000;
    this.pingTimeout = options.pingTimeout ?? 2000;
    client.on("ready", this.onReady);
    client.on("close", this.onClose);
    client.on("end", this.onClose);
    if (client.status === "ready") this.current = "ready";
    this.schedule();
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.current;
  }

  /** Stop watching (the owner closes the client). */
  close(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.client.off("ready", this.onReady);
    this.client.off("close", this.onClose);
    this.client.off("end", this.onClose);
    this.setState("closed", "closed");
  }

  private setState(next: ConnectionState, reason: ConnectionReason): void {
    if (this.current === "closed" || next === this.current) return;
    const from = this.current;
    this.current = next;
    this.probeSentAt = undefined;
    this.handshakeSince = undefined;
    this.onChange({ from, to: next, reason });
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      this.tick();
      if (this.current !== "closed") this.schedule();
    }, this.pingInterval);
  }

  private tick(): void {
    const now = this.clock.now();
    if (this.current === "ready") {
      if (this.probeSentAt !== undefined) {
        if (now - this.probeSentAt >= this.pingTimeout) this.reconnect("ping-timeout");
        return;
      }
      this.probeSentAt = now;
      const generation = this.generation;
      this.client.ping().then(
        () => {
          if (generation === this.generation) this.probeSentAt = undefined;
        },
        () => {}, // a failed PING means the socket closed: the close event reports it
      );
      return;
    }
    // A frozen Redis still accepts TCP connections (the kernel does), so ioredis
    // can sit in "connect" forever waiting for the ready check's answer.
    // (The TCP connect itself is bounded by ioredis' own connectTimeout.)
    if (this.client.status === "connect") {
      this.handshakeSince ??= now;
      if (now - this.handshakeSince >= this.pingTimeout) this.reconnect("handshake-timeout");
    } else {
      this.handshakeSince = undefined;
    }
  }

  private reconnect(reason: ConnectionReason): void {
    this.generation++;
    this.setState("down", reason);
    const stream = this.client.stream;
    if (stream !== undefined) stream.destroy();
    else this.client.disconnect(true);
  }
}
