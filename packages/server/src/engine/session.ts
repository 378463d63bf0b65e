import type { EngineCloseReason, Frame } from "@cometa/protocol";
import type { AddressSlot } from "./address-cap.js";
import { WS_CLOSE_CODES } from "./close-reasons.js";
import type { EngineConnection, HandshakeRequest, SendOptions } from "./engine-connection.js";
import type { ResolvedEngineOptions } from "./engine-options.js";
import { type KeptRequest, unpackRequest } from "./handshake-request.js";
import type { WsDriver, WsHandle } from "./platform.js";
import { PollingState } from "./polling-state.js";
import { closePolling, endPoll, enqueuePolling } from "./session-polling.js";
import type { TimerWheel, WheelEntry } from "./timer-wheel.js";
import { type InboundPacket, PacketKind, pollingMessage, wsMessage } from "./wire.js";

/**
 * Session states. `upgrading`: a polling session with a WebSocket probe
 * attached. `closing`: closed for the Socket.IO layer, but a polling session
 * still owes its client what was buffered and the close: it waits (up to
 * `closeTimeout`) for GETs to carry them, or, when the close came while the
 * client was switching to its probed WebSocket, (up to `upgradeTimeout`) for
 * the upgrade to finish so they go out on the WebSocket.
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
  /** The platform's WebSocket operations (sessions hold handles, not wrappers). */
  readonly ws: WsDriver;
  /** Drop the session from the registry. */
  forget(session: EngineSession): void;
  /** Move a closed polling session aside while it waits to deliver its close packet. */
  retire(session: EngineSession): void;
  /** Add (`true`) or remove a polling session in the polling topic index. */
  indexTopic(session: EngineSession, topic: string, add: boolean): void;
  /** State-change observer, or null. */
  readonly stateObserver: ((change: SessionStateContext) => void) | null;
  /** Publish to `topic`'s subscribers except `sender` (see `EngineConnection.publish`). */
  publishFrom(sender: EngineSession, topic: string, frames: readonly Frame[], options?: SendOptions): void;
}

const noop = (): void => {};
const PING: readonly string[] = ["2"];

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
  onMessage: (this: EngineConnection, frame: Frame) => void = noop;
  onClose: (this: EngineConnection, reason: EngineCloseReason, description?: string) => void = noop;
  owner: unknown = null;
  /** The WebSocket carrying the session (transport "websocket"); null once closed. */
  ws: WsHandle | null;
  /** Polling transport state; null for WebSocket sessions and after an upgrade. */
  polling: PollingState | null;
  /**
   * Heartbeat: the wheel tick by which the awaited pong must arrive, or 0 while
   * waiting to send the next ping. Ticks, not ms: a small integer stays unboxed.
   */
  pongDeadline = 0;
  wheelDue = 0;
  wheelPrev: WheelEntry | null = null;
  wheelNext: WheelEntry | null = null;
  /** The client address's session counter, held until the session stops counting (`maxConnectionsPerIp`). */
  addressSlot: AddressSlot | null = null;

  /** The opening request, packed until first read (see `KeptRequest`). */
  private kept: KeptRequest;

  constructor(
    readonly id: string,
    request: KeptRequest,
    readonly host: SessionHost,
    ws: WsHandle | null,
  ) {
    this.kept = request;
    this.ws = ws;
    this.transport = ws === null ? "polling" : "websocket";
    this.polling = ws === null ? new PollingState() : null;
  }

  /** The request that opened the session; unpacked (once) on first access. */
  get request(): HandshakeRequest {
    const kept = this.kept;
    if (typeof kept !== "string") return kept;
    const request = unpackRequest(kept);
    this.kept = request;
    return request;
  }

  /** Start the heartbeat: first ping `pingInterval` after the open packet. */
  startHeartbeat(now: number): void {
    this.host.wheel.schedule(this, now + this.host.options.pingInterval);
  }

  send(frames: readonly Frame[], options?: SendOptions): boolean {
    if (this.state === "closing" || this.state === "closed" || frames.length === 0) return false;
    const ws = this.ws;
    if (ws === null) return enqueuePolling(this, frames.map(pollingMessage), options?.volatile === true);
    const driver = this.host.ws;
    const { maxBackpressure, backpressureHardLimit, perMessageDeflate } = this.host.options;
    if (options?.volatile && driver.bufferedAmount(ws) > maxBackpressure) return false;
    // Deflate only when enabled server-wide, and unless this send opted out.
    const compress = perMessageDeflate && options?.compress !== false;
    const result =
      frames.length === 1
        ? driver.send(ws, wsMessage(frames[0]!), compress)
        : driver.sendMany(ws, frames.map(wsMessage), compress);
    // Only a send that had to buffer can have pushed the socket past the hard limit.
    if (result === "dropped" || (result === "buffered" && driver.bufferedAmount(ws) > backpressureHardLimit)) {
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
      if (ws !== null) this.host.ws.close(ws, WS_CLOSE_CODES[reason], reason);
    } else {
      closePolling(this, polling, reason);
    }
    this.onClose(reason);
  }

  /**
   * Deliver `frames` to every session subscribed to `topic` except this one,
   * encoded once (what `socket.broadcast.to(room).emit` needs).
   */
  publish(topic: string, frames: readonly Frame[], options?: SendOptions): void {
    this.host.publishFrom(this, topic, frames, options);
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
      this.finish(this.polling?.closeReason ?? "forced close");
      return;
    }
    const { pingInterval, pingTimeout, backpressureHardLimit } = this.host.options;
    const ws = this.ws;
    // Publishes skip a subscriber over the hard limit (platform rule) without telling us: check here.
    if (ws !== null && this.host.ws.bufferedAmount(ws) > backpressureHardLimit) {
      this.close("slow consumer");
      return;
    }
    const wheel = this.host.wheel;
    if (this.pongDeadline !== 0) {
      if (wheel.tickAt(now) >= this.pongDeadline) {
        this.close("ping timeout");
        return;
      }
      wheel.scheduleTick(this, Math.min(this.pongDeadline, wheel.dueTick(now + pingInterval)));
      return;
    }
    this.pongDeadline = wheel.dueTick(now + pingTimeout);
    wheel.scheduleTick(this, Math.min(this.pongDeadline, wheel.dueTick(now + pingInterval)));
    if (ws === null) enqueuePolling(this, PING, false);
    else if (this.host.ws.send(ws, "2") === "dropped") this.close("slow consumer");
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
    this.dropProbe();
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
    this.host.ws.close(probe, 1000, "upgrade aborted");
  }

  /** Leave every topic joined while on polling (the polling index forgets the session). */
  dropTopics(polling: PollingState): void {
    if (polling.topics === null) return;
    for (const topic of polling.topics) this.host.indexTopic(this, topic, false);
    polling.topics = null;
  }

  private setTopic(topic: string, add: boolean): void {
    if (this.state === "closing" || this.state === "closed") return;
    const polling = this.polling;
    if (polling === null) {
      if (this.ws !== null) this.host.ws.topic(this.ws, topic, add);
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
