import type { EnginePacket, HandshakeData } from "@cometa/protocol";
import type { TimerHandle } from "../clock.js";
import type {
  ClientEngine,
  ClientEngineOptions,
  EngineCloseDetail,
  EngineCloseReason,
  TransportName,
} from "./engine-contract.js";
import { ClientEngineError } from "./engine-error.js";
import { parseHandshake } from "./handshake.js";
import { createHeartbeat } from "./heartbeat.js";
import { parseCloseHint } from "./http-failure.js";
import { createPollingTransport } from "./polling-transport.js";
import type { Transport, TransportFactory, TransportFailure } from "./transport.js";
import { createTransportMemory, TRANSPORT_MEMORY_TTL_MS, type TransportMemory } from "./transport-memory.js";
import { createWebSocketTransport } from "./websocket-transport.js";

/**
 * Engine states. `upgrading` is the short window after a successful WebSocket
 * probe in which polling drains and writes wait; the engine is usable (open)
 * in both `open` and `upgrading`. A fallback (WebSocket → polling) happens
 * inside `opening`.
 *
 * ```mermaid
 * stateDiagram-v2
 *   [*] --> idle
 *   idle --> opening: open called
 *   opening --> open: handshake
 *   open --> upgrading: probe succeeded
 *   upgrading --> open: upgraded / probe failed
 *   idle --> closed: io client disconnect
 *   opening --> closed: transport error / parse error / io client disconnect
 *   open --> closed: ping timeout / transport close / transport error / parse error / io client disconnect
 *   upgrading --> closed: same as open
 * ```
 */
export type EngineState = "idle" | "opening" | "open" | "upgrading" | "closed";

/** Why the engine changed state. */
export type EngineStateReason = "open called" | "handshake" | "probe succeeded" | "upgraded" | "probe failed" | EngineCloseReason;

/** Emitted by the `setState` funnel on every transition. */
export interface EngineStateChange {
  readonly from: EngineState;
  readonly to: EngineState;
  readonly reason: EngineStateReason;
}

/** The engine `createClientEngine` returns: the contract plus its observable state. */
export interface CometaClientEngine extends ClientEngine {
  /** Current state. */
  readonly state: EngineState;
  /** Optional observer of every state transition. */
  onStateChange: (change: EngineStateChange) => void;
}

/** What the engine is built from; tests inject fake transports and memory. */
export interface EngineDeps {
  readonly transports: Readonly<Record<TransportName, TransportFactory>>;
  readonly memory: TransportMemory;
}

/** First delay before re-probing a WebSocket that failed; it doubles per failure up to the memory TTL. */
export const PROBE_RETRY_MS = 10_000;
/** A probe must finish within this (the reference server's `upgradeTimeout`) or the connect timeout, if lower. */
export const PROBE_TIMEOUT_MS = 10_000;

const noop = (): void => {};
const RESERVED_QUERY = new Set(["EIO", "transport", "sid", "t"]);

/**
 * Creates one Engine.IO v4 client connection (PROTOCOL.md §2) over WebSocket
 * and/or HTTP long-polling, with fallback, upgrade probing, a heartbeat
 * watchdog and per-origin transport memory. Nothing happens until `open()`.
 *
 * @example
 * ```ts
 * const engine = createClientEngine({
 *   origin: "https://example.com", path: "/socket.io/", query: {}, transports: ["websocket", "polling"],
 *   upgrade: true, timestampRequests: true, withCredentials: false, extraHeaders: {}, timeout: 20_000,
 *   clock: systemClock,
 * });
 * engine.onOpen = (handshake) => engine.send(['0{"token":"abc"}']);
 * engine.onMessage = (frame) => console.log(frame);
 * engine.onClose = (reason, detail) => console.log(reason, detail?.retryAfterMs);
 * engine.open();
 * ```
 */
export function createClientEngine(options: ClientEngineOptions): CometaClientEngine {
  return createEngine(options, {
    transports: { websocket: createWebSocketTransport, polling: createPollingTransport },
    memory: createTransportMemory(options.clock),
  });
}

/** {@link createClientEngine} with explicit dependencies. */
export function createEngine(options: ClientEngineOptions, deps: EngineDeps): CometaClientEngine {
  const { clock } = options;
  const { memory } = deps;
  const path = options.path.endsWith("/") ? options.path : options.path + "/";
  const memoryKey = options.origin + path;
  const queue: EnginePacket[] = [];
  let state: EngineState = "idle";
  let current: Transport | undefined;
  let currentName: TransportName | undefined;
  let handshake: HandshakeData | undefined;
  let candidates: TransportName[] = [];
  let fellBack = false;
  let openTimer: TimerHandle | undefined;
  let probe: Transport | undefined;
  let probeTimer: TimerHandle | undefined;
  let probeDelay = 0;
  let stamp = 0;
  const heartbeat = createHeartbeat(clock, () => end("ping timeout"));

  const setState = (next: EngineState, reason: EngineStateReason): void => {
    if (state === next) return;
    const from = state;
    state = next;
    engine.onStateChange({ from, to: next, reason });
  };

  const url = (name: TransportName): string => {
    let result = (name === "websocket" ? options.origin.replace(/^http/, "ws") : options.origin) + path;
    result += "?EIO=4&transport=" + name;
    for (const [key, value] of Object.entries(options.query)) {
      // Protocol parameters are ours: a duplicate would reach the server as an array and fail the request.
      if (!RESERVED_QUERY.has(key)) result += "&" + encodeURIComponent(key) + "=" + encodeURIComponent(value);
    }
    if (handshake) result += "&sid=" + encodeURIComponent(handshake.sid);
    if (options.timestampRequests) result += "&t=" + clock.now().toString(36) + (stamp++).toString(36);
    return result;
  };

  /** Starts a transport whose events are routed by identity, so stale transports are ignored. */
  const spawn = (name: TransportName): Transport => {
    const transport: Transport = deps.transports[name]({ options, clock, url: () => url(name) }, {
      onTransportOpen: () => transport === probe && transport.write([{ type: "ping", data: "probe" }], 0),
      onTransportPacket: (packet) => {
        if (transport === current) onPacket(packet);
        else if (transport === probe) onProbePacket(packet);
      },
      onTransportDrain: () => transport === current && flush(),
      onTransportError: (reason, detail) => {
        if (transport === current) onError(reason, detail);
        else if (transport === probe) onProbeFailed();
      },
    });
    return transport;
  };

  const clearTimer = (timer: TimerHandle | undefined): undefined => {
    if (timer !== undefined) clock.clearTimeout(timer);
    return undefined;
  };

  const openNext = (): void => {
    currentName = candidates.shift()!;
    current = spawn(currentName);
    // With a fallback left, the first transport gets half the budget so the fallback fits in the caller's timeout.
    const ms = candidates.length > 0 ? options.timeout / 2 : options.timeout;
    openTimer = clock.setTimeout(() => {
      onError("transport error", { error: new ClientEngineError("HANDSHAKE_TIMEOUT", `no handshake within ${ms} ms`) });
    }, ms);
  };

  const onError = (reason: TransportFailure, detail?: EngineCloseDetail): void => {
    if (state === "opening" && candidates.length > 0) {
      // Fallback within the same open(): the WebSocket is blocked (proxy, firewall) or timed out.
      openTimer = clearTimer(openTimer);
      current?.close();
      fellBack = true;
      openNext();
      return;
    }
    end(reason, detail);
  };

  const onPacket = (packet: EnginePacket): void => {
    switch (packet.type) {
      case "open":
        if (state === "opening") onHandshake(packet.data);
        return;
      case "ping":
        if (!handshake) return;
        heartbeat.arm(handshake.pingInterval + handshake.pingTimeout);
        queue.push({ type: "pong" });
        flush();
        return;
      case "message":
        if (handshake) engine.onMessage(packet.data ?? "");
        return;
      case "close":
        end("transport close", parseCloseHint(packet.data));
        return;
      default:
      // noop, and pong/upgrade a server should not send: ignored.
    }
  };

  const onHandshake = (data: unknown): void => {
    const parsed = parseHandshake(data);
    if (!parsed) {
      end("parse error", { error: new ClientEngineError("BAD_HANDSHAKE", "invalid open packet") });
      return;
    }
    openTimer = clearTimer(openTimer);
    handshake = parsed;
    // Remember only verdicts backed by a working fallback, so a dead server does not mark WebSocket as blocked.
    if (currentName === "websocket") memory.remember(memoryKey, false);
    else if (fellBack) memory.remember(memoryKey, true);
    heartbeat.arm(parsed.pingInterval + parsed.pingTimeout);
    setState("open", "handshake");
    engine.onTransport(currentName!);
    engine.onOpen(parsed);
    if (state !== "open") return;
    flush();
    scheduleProbe(memory.webSocketFailed(memoryKey) ? PROBE_RETRY_MS : 0);
  };

  const flush = (): void => {
    if (state === "open" && current?.writable && queue.length > 0) current.write(queue, handshake!.maxPayload);
  };

  const scheduleProbe = (delay: number): void => {
    const canProbe =
      options.upgrade &&
      currentName === "polling" &&
      options.transports.includes("websocket") &&
      handshake!.upgrades.includes("websocket");
    if (!canProbe) return;
    if (delay > 0) probeTimer = clock.setTimeout(startProbe, delay);
    else startProbe();
  };

  const startProbe = (): void => {
    probeTimer = undefined;
    if (state !== "open") return;
    probe = spawn("websocket");
    probeTimer = clock.setTimeout(onProbeFailed, Math.min(options.timeout, PROBE_TIMEOUT_MS));
  };

  const onProbePacket = (packet: EnginePacket): void => {
    if (packet.type !== "pong" || packet.data !== "probe" || state !== "open") {
      onProbeFailed();
      return;
    }
    // PROTOCOL.md §2.7: pause polling (in-flight GET and POST finish), then send `5` and move the queue to WebSocket.
    setState("upgrading", "probe succeeded");
    const polling = current!;
    polling.pause(() => {
      if (state !== "upgrading" || !probe) return;
      const ws = probe;
      probe = undefined;
      probeTimer = clearTimer(probeTimer);
      ws.write([{ type: "upgrade" }], 0);
      polling.close();
      current = ws;
      currentName = "websocket";
      memory.remember(memoryKey, false);
      setState("open", "upgraded");
      engine.onTransport("websocket");
      flush();
    });
  };

  const onProbeFailed = (): void => {
    probeTimer = clearTimer(probeTimer);
    probe?.close();
    probe = undefined;
    memory.remember(memoryKey, true);
    probeDelay = Math.min(probeDelay ? probeDelay * 2 : PROBE_RETRY_MS, TRANSPORT_MEMORY_TTL_MS);
    if (state === "upgrading") {
      // Polling is paused or pausing: keep the session on it.
      setState("open", "probe failed");
      current!.resume();
    }
    if (state === "open") scheduleProbe(probeDelay);
  };

  /** The one way to closed: tears everything down, then reports once. */
  const end = (reason: EngineCloseReason, detail?: EngineCloseDetail, graceful = false): void => {
    if (state === "closed") return;
    openTimer = clearTimer(openTimer);
    probeTimer = clearTimer(probeTimer);
    heartbeat.stop();
    probe?.close();
    probe = undefined;
    current?.close(graceful);
    current = undefined;
    queue.length = 0;
    setState("closed", reason);
    engine.onClose(reason, detail);
  };

  const engine: CometaClientEngine = {
    get id() {
      return handshake?.sid;
    },
    get transport() {
      return handshake ? currentName : undefined;
    },
    get state() {
      return state;
    },
    open() {
      if (state !== "idle") return;
      candidates = [...new Set(options.transports)].filter((name) => name in deps.transports);
      if (candidates.length > 1 && candidates[0] === "websocket" && memory.webSocketFailed(memoryKey)) candidates.shift();
      setState("opening", "open called");
      if (candidates.length > 0) {
        openNext();
        return;
      }
      // Not thrown: report like any failed attempt, after open() returns.
      const error = new ClientEngineError("NO_TRANSPORT", "options.transports names no known transport");
      Promise.resolve().then(() => end("transport error", { error }));
    },
    send(frames, sendOptions) {
      if (state === "closed") return false;
      // Timers may have slept (background tab, suspended laptop): trust the wall clock.
      if (heartbeat.expired()) {
        end("ping timeout");
        return false;
      }
      if (sendOptions?.volatile && !(state === "open" && current?.writable)) return false;
      for (const data of frames) queue.push({ type: "message", data });
      flush();
      return true;
    },
    close() {
      if (state === "closed") return;
      const graceful = state === "open" || state === "upgrading";
      if (graceful) flush();
      end("io client disconnect", undefined, graceful);
    },
    onOpen: noop,
    onMessage: noop,
    onClose: noop,
    onTransport: noop,
    onStateChange: noop,
  };
  return engine;
}
