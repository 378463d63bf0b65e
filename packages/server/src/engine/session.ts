import type { EngineCloseReason, Frame } from "@cometa/protocol";
import type { EngineConnection, HandshakeRequest, SendOptions } from "./engine-connection.js";
import type { ResolvedEngineOptions } from "./engine-options.js";
import type { WsPort } from "./platform.js";
import { PollingState } from "./polling-state.js";
import { endPoll, enqueuePolling, flushPoll } from "./session-polling.js";
import type { TimerWheel, WheelEntry } from "./timer-wheel.js";
import { type InboundPacket, PacketKind, pollingMessage, wsMessage } from "./wire.js";

/**
 * Session states. `upgrading`: a polling session with a WebSocket probe
 * attached. `closing`: closed for the Socket.IO layer, but a polling session
 * still waits (up to `closeTimeout`) for GETs to carry what was buffered and
 * then the close packet.
 */
export type SessionState = "open" | "upgrading" | "closing" | "closed";

/** Why a session changed state: a close reason, or one of the upgrade events. */
export type SessionStateReason = EngineCloseReason | "upgrade started" | "upgrade done" | "upgrade failed";

/** A state change, as reported to `Engine.stateObserver`. */
export interface SessionStateContext {
  readonly session: EngineSession;
  readonly from: SessionState;
  readonly to: SessionState;
  readonly reason: SessionStateReason;
}

/** What a session needs from the engine that owns it. */
export interface SessionHost {
  readonly options: ResolvedEngineOptions;
  readonly wheel: TimerWheel<EngineSession>;
  /** Drop the session from the registry. */
  forget(session: EngineSession): void;
  /** Move a closed polling session aside while it waits to deliver its close packet. */
  retire(session: EngineSession): void;
  /** Add (`true`) or remove a polling session in the polling topic index. */
  indexTopic(session: EngineSession, topic: string, add: boolean): void;
  /** State-change observer, or null. */
  readonly stateObserver: ((change: SessionStateContext) => void) | null;
}

const noop = (): void => {};
const PING: readonly string[] = ["2"];

/** Server-initiated closes that a polling client must be told about, even when no GET is parked. */
const LINGERING_REASONS: ReadonlySet<EngineCloseReason> = new Set<EngineCloseReason>([
  "forced close",
  "forced server close",
  "slow consumer",
  "message too big",
]);

/** WebSocket close code per reason (0 = abrupt close, no close frame). */
const WS_CLOSE_CODES: Readonly<Record<EngineCloseReason, number>> = {
  "ping timeout": 1000,
  "transport error": 1002,
  "transport close": 1000,
  "forced close": 1000,
  "parse error": 1002,
  "server shutting down": 1001,
  "forced server close": 1000,
  // The peer is not reading: a close frame would queue behind megabytes. Cut it.
  "slow consumer": 0,
  "message too big": 1009,
};

/**
 * One Engine.IO session (PROTOCOL.md §2): heartbeat, the transport it is on
 * (a WebSocket, or polling state), and its close. Implements the
 * `EngineConnection` contract the Socket.IO layer sees.
 *
 * Memory matters (goal: ≤ 3 KiB per idle WebSocket for the whole server): a
 * session is one small object with a fixed shape, its heartbeat lives in the
 * shared timer wheel (the intrusive `wheel*` fields), and polling structures
 * live in a `PollingState` that WebSocket sessions do not have.
 *
 * Fields without `readonly` are engine-internal; the Socket.IO layer uses
 * only the `EngineConnection` members.
 */
export class EngineSession implements EngineConnection, WheelEntry {
  transport: "polling" | "websocket";
  state: SessionState = "open";
  onMessage: (frame: Frame) => void = noop;
  onClose: (reason: EngineCloseReason, description?: string) => void = noop;
  /** The WebSocket carrying the session (transport "websocket"); null once closed. */
  ws: WsPort | null;
  /** Polling transport state; null for WebSocket sessions and after an upgrade. */
  polling: PollingState | null;
  /** Heartbeat: when the awaited pong is due (clock ms), or 0 while waiting to send the next ping. */
  pongDeadline = 0;
  wheelDue = 0;
  wheelPrev: WheelEntry | null = null;
  wheelNext: WheelEntry | null = null;

  constructor(
    readonly id: string,
    readonly request: HandshakeRequest,
    readonly host: SessionHost,
    ws: WsPort | null,
  ) {
    this.ws = ws;
    this.transport = ws === null ? "polling" : "websocket";
    this.polling = ws === null ? new PollingState() : null;
  }

  /** Start the heartbeat: first ping `pingInterval` after the open packet. */
  startHeartbeat(now: number): void {
    this.host.wheel.schedule(this, now + this.host.options.pingInterval);
  }

  send(frames: readonly Frame[], options?: SendOptions): boolean {
    if (this.state === "closing" || this.state === "closed" || frames.length === 0) return false;
    const ws = this.ws;
    if (ws === null) return enqueuePolling(this, frames.map(pollingMessage), options?.volatile === true);
    const { maxBackpressure, backpressureHardLimit, perMessageDeflate } = this.host.options;
    if (options?.volatile && ws.bufferedAmount() > maxBackpressure) return false;
    // Deflate only when enabled server-wide, and unless this send opted out.
    const compress = perMessageDeflate && options?.compress !== false;
    const result =
      frames.length === 1 ? ws.send(wsMessage(frames[0]!), compress) : ws.sendMany(frames.map(wsMessage), compress);
    if (result === "dropped" || ws.bufferedAmount() > backpressureHardLimit) {
      this.close("slow consumer");
      return false;
    }
    return true;
  }

  close(reason: EngineCloseReason = "forced close"): void {
    if (this.state === "closing" || this.state === "closed") return;
    this.host.wheel.cancel(this);
    const polling = this.polling;
    if (polling === null) {
      const ws = this.ws;
      this.finish(reason);
      // Null when the peer closed the socket (see `onTransportClosed`).
      if (ws !== null) ws.close(WS_CLOSE_CODES[reason], reason);
    } else {
      this.dropProbe();
      this.dropTopics(polling);
      if (polling.get !== null) {
        polling.push("1");
        flushPoll(this);
        this.finish(reason);
      } else if (LINGERING_REASONS.has(reason)) {
        // The client learns about the close from a later GET (or never, after closeTimeout):
        // first what is still buffered, then the close packet in a response of its own.
        // A slow consumer's backlog is what the limit protects memory from: drop it.
        if (reason === "slow consumer") polling.drain();
        this.setState("closing", reason);
        this.host.retire(this);
        this.host.wheel.schedule(this, this.host.options.clock.now() + this.host.options.closeTimeout);
      } else {
        this.finish(reason);
      }
    }
    this.onClose(reason);
  }

  subscribe(topic: string): void {
    this.setTopic(topic, true);
  }

  unsubscribe(topic: string): void {
    this.setTopic(topic, false);
  }

  /**
   * Timer wheel callback: send the next ping, give up waiting for the pong,
   * or (closing) stop waiting for a GET. It runs at least every
   * `pingInterval`, which also bounds how long a slow consumer goes unnoticed.
   */
  onTimer(now: number): void {
    if (this.state === "closing") {
      this.finish("forced close");
      return;
    }
    const { pingInterval, pingTimeout, backpressureHardLimit } = this.host.options;
    const ws = this.ws;
    // Publishes skip a subscriber over the hard limit (platform rule) without telling us: check here.
    if (ws !== null && ws.bufferedAmount() > backpressureHardLimit) {
      this.close("slow consumer");
      return;
    }
    if (this.pongDeadline !== 0) {
      if (now >= this.pongDeadline) {
        this.close("ping timeout");
        return;
      }
      this.host.wheel.schedule(this, Math.min(this.pongDeadline, now + pingInterval));
      return;
    }
    this.pongDeadline = now + pingTimeout;
    this.host.wheel.schedule(this, Math.min(this.pongDeadline, now + pingInterval));
    if (ws === null) enqueuePolling(this, PING, false);
    else if (ws.send("2") === "dropped") this.close("slow consumer");
  }

  /** One packet from the client, on the session's own transport. */
  onPacket(packet: InboundPacket): void {
    switch (packet.kind) {
      case PacketKind.MESSAGE:
        this.onMessage(packet.data);
        return;
      case PacketKind.PONG:
        if (this.pongDeadline === 0) return;
        this.pongDeadline = 0;
        this.host.wheel.schedule(this, this.host.options.clock.now() + this.host.options.pingInterval);
        return;
      case PacketKind.PING:
        // v4: only the server pings; a client ping is an invalid heartbeat direction.
        this.close("transport error");
        return;
      case PacketKind.CLOSE:
        // Polling: release the parked GET with a noop, as the reference does (PROTOCOL.md §2.8).
        if (this.polling?.get) endPoll(this, "6");
        this.close("transport close");
        return;
      default:
        // open, upgrade (without a probe) and noop from a client carry no meaning: ignore them.
        return;
    }
  }

  /** The session's WebSocket closed under it (peer close, network error, platform limit). */
  onTransportClosed(): void {
    this.ws = null;
    this.close("transport close");
  }

  /** Set the state through one funnel, reporting the change. */
  setState(next: SessionState, reason: SessionStateReason): void {
    const from = this.state;
    if (from === next) return;
    this.state = next;
    this.host.stateObserver?.({ session: this, from, to: next, reason });
  }

  /** Final step of every close: no timers, no registry entry, no transport references. */
  finish(reason: EngineCloseReason): void {
    this.host.wheel.cancel(this);
    if (this.polling?.get) endPoll(this, "1");
    this.polling = null;
    this.ws = null;
    this.setState("closed", reason);
    this.host.forget(this);
  }

  /** Close the upgrade probe, if any (the session stays on polling). */
  dropProbe(): void {
    const polling = this.polling;
    if (polling === null) return;
    if (polling.upgradeTimer !== null) {
      this.host.options.clock.clearTimeout(polling.upgradeTimer);
      polling.upgradeTimer = null;
    }
    const probe = polling.probe;
    if (probe === null) return;
    polling.probe = null;
    polling.probed = false;
    probe.close(1000, "upgrade aborted");
  }

  private dropTopics(polling: PollingState): void {
    if (polling.topics === null) return;
    for (const topic of polling.topics) this.host.indexTopic(this, topic, false);
    polling.topics = null;
  }

  private setTopic(topic: string, add: boolean): void {
    if (this.state === "closing" || this.state === "closed") return;
    const polling = this.polling;
    if (polling === null) {
      this.ws?.topic(topic, add);
      return;
    }
    if (add) {
      polling.topics ??= new Set();
      if (polling.topics.has(topic)) return;
      polling.topics.add(topic);
    } else if (!polling.topics?.delete(topic)) {
      return;
    }
    this.host.indexTopic(this, topic, add);
  }
}
