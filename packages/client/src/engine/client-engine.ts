import type { EnginePacket, HandshakeData } from "@cometa/protocol";
import type { TimerHandle } from "../clock.js";
import type {
  ClientEngine,
  ClientEngineOptions,
  EngineCloseDetail,
  EngineCloseReason,
  TransportName,
} from "./engine-contract.js";
import { ClientError } from "../errors.js";
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
/** Query parameters of the protocol itself: a duplicate would reach the server as an array and fail the request. */
const RESERVED_QUERY = /^(EIO|transport|sid|t)$/;

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
  const { clock, origin, path, timeout } = options;
  const { memory } = deps;
  const memoryKey = origin + path;
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
  /** When the attempt's `timeout` runs out (wall clock). */
  let deadline = 0;
  const heartbeat = createHeartbeat(clock, () => end("ping timeout"));
  const armHeartbeat = () => heartbeat.arm(handshake!.pingInterval + handshake!.pingTimeout);

  const setState = (next: EngineState, reason: EngineStateReason): void => {
    const from = state;
    state = next;
    if (from !== next) engine.onStateChange({ from, to: next, reason });
  };

  const url = (name: TransportName): string => {
    let query = `?EIO=4&transport=${name}`;
    for (const [key, value] of Object.entries(options.query)) {
      if (!RESERVED_QUERY.test(key)) query += `&${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
    }
    if (handshake) query += `&sid=${encodeURIComponent(handshake.sid)}`;
    // A cache-buster that changes on every request.
    if (options.timestampRequests) query += `&t=${clock.now().toString(36)}${stamp++}`;
    return (name === "websocket" ? origin.replace(/^http/, "ws") : origin) + path + query;
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

  const openNext = (): void => {
    currentName = candidates.shift()!;
    current = spawn(currentName);
    // The whole open(), fallback included, has `timeout` ms (0 or Infinity: no limit); a transport with a
    // fallback left after it gets half of what remains.
    const left = deadline - clock.now();
    if (timeout > 0 && timeout < 2 ** 31) {
      openTimer = clock.setTimeout(
        () => onError("transport error", { error: new ClientError("HANDSHAKE_TIMEOUT") }),
        candidates.length > 0 ? left / 2 : left,
      );
    }
  };

  const onError = (reason: TransportFailure, detail?: EngineCloseDetail): void => {
    if (state !== "opening" || candidates.length === 0) {
      end(reason, detail);
      return;
    }
    // Fallback within the same open(): the WebSocket is blocked (proxy, firewall) or timed out.
    clock.clearTimeout(openTimer);
    current?.close();
    fellBack = true;
    openNext();
  };

  const onPacket = ({ type, data }: EnginePacket): void => {
    // noop, and pong/upgrade a server should not send, are ignored.
    if (type === "open" && state === "opening") onHandshake(data);
    else if (type === "close") end("transport close", parseCloseHint(data));
    else if (!handshake) return;
    else if (type === "message") engine.onMessage(data ?? "");
    else if (type === "ping") {
      armHeartbeat();
      queue.push({ type: "pong" });
      flush();
    }
  };

  const onHandshake = (data: unknown): void => {
    handshake = parseHandshake(data);
    if (!handshake) {
      end("parse error", { error: new ClientError("BAD_HANDSHAKE") });
      return;
    }
    clock.clearTimeout(openTimer);
    // Remember only verdicts backed by a working fallback, so a dead server does not mark WebSocket as blocked.
    if (currentName === "websocket" || fellBack) memory.remember(memoryKey, currentName !== "websocket");
    armHeartbeat();
    setState("open", "handshake");
    engine.onTransport(currentName!);
    engine.onOpen(handshake);
    if (state !== "open") return;
    flush();
    scheduleProbe(memory.webSocketFailed(memoryKey) ? PROBE_RETRY_MS : 0);
  };

  const flush = (): void => {
    if (state === "open" && current?.writable && queue.length > 0) current.write(queue, handshake!.maxPayload);
  };

  const scheduleProbe = (delay: number): void => {
    if (options.upgrade && currentName === "polling" && options.transports.includes("websocket") && handshake!.upgrades.includes("websocket")) {
      if (delay) probeTimer = clock.setTimeout(startProbe, delay);
      else startProbe();
    }
  };

  const startProbe = (): void => {
    if (state !== "open") return;
    probe = spawn("websocket");
    probeTimer = clock.setTimeout(onProbeFailed, Math.min(timeout, PROBE_TIMEOUT_MS));
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
      const ws = probe;
      if (state !== "upgrading" || !ws) return;
      probe = undefined;
      clock.clearTimeout(probeTimer);
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
    clock.clearTimeout(probeTimer);
    probe?.close();
    probe = undefined;
    memory.remember(memoryKey, true);
    probeDelay = Math.min(probeDelay * 2 || PROBE_RETRY_MS, TRANSPORT_MEMORY_TTL_MS);
    if (state === "upgrading") {
      // Polling is paused or pausing: keep the session on it.
      setState("open", "probe failed");
      current!.resume();
    }
    if (state === "open") scheduleProbe(probeDelay);
  };

  /** The one way to closed: tears everything down, then reports once. `farewell` closes the transport gracefully. */
  const end = (reason: EngineCloseReason, detail?: EngineCloseDetail, farewell?: EnginePacket[]): void => {
    if (state === "closed") return;
    clock.clearTimeout(openTimer);
    clock.clearTimeout(probeTimer);
    heartbeat.stop();
    probe?.close();
    // Detached first: whatever the closing transports report now is stale.
    const transport = current;
    probe = current = undefined;
    transport?.close(farewell);
    queue.length = 0;
    setState("closed", reason);
    engine.onClose(reason, detail);
  };

  const engine: CometaClientEngine = {
    get id() {
      return handshake?.sid;
    },
    get transport() {
      return handshake && currentName;
    },
    get state() {
      return state;
    },
    open() {
      if (state !== "idle") return;
      candidates = [...new Set(options.transports)].filter((name) => name in deps.transports);
      if (candidates[1] && candidates[0] === "websocket" && memory.webSocketFailed(memoryKey)) candidates.shift();
      setState("opening", "open called");
      deadline = clock.now() + timeout;
      if (candidates[0]) {
        openNext();
        return;
      }
      // Not thrown: report like any failed attempt, after open() returns.
      const error = new ClientError("NO_TRANSPORT");
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
      // An open session ends gracefully: packets still queued (say, behind an in-flight POST) leave with the close.
      const graceful = state === "open" || state === "upgrading";
      if (graceful) flush();
      end("io client disconnect", undefined, graceful ? queue.splice(0) : undefined);
    },
    onOpen: noop,
    onMessage: noop,
    onClose: noop,
    onTransport: noop,
    onStateChange: noop,
  };
  return engine;
}
