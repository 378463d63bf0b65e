import { EngineErrorCode, type Frame } from "@cometa/protocol";
import type { EngineConnection, EngineServer, SendOptions } from "./engine-connection.js";
import type { ResolvedEngineOptions } from "./engine-options.js";
import type { AddressCap } from "./address-cap.js";
import { Admission } from "./admission.js";
import { type AdmitResult, errorResponse, OpenPackets, refusalResponse, sessionCookie, TOO_MANY_CONNECTIONS } from "./handshake.js";
import type { KeptRequest } from "./handshake-request.js";
import { OriginPolicy } from "./origin-policy.js";
import { PollForwarder } from "./poll-forwarder.js";
import type { EnginePlatform, EngineRequest, HeaderPair, HttpExchange, WsDriver, WsHandle } from "./platform.js";
import { checkRequest, type RequestCheckContext } from "./request-check.js";
import { checkRequestLimits } from "./request-limits.js";
import { EngineSession, type SessionHost, type SessionStateContext } from "./session.js";
import { generateSessionId } from "./session-id.js";
import { enqueuePolling, handlePoll, handlePost } from "./session-polling.js";
import { attachProbe, failUpgrade, onProbeClosed, onProbeText } from "./session-upgrade.js";
import { TimerWheel } from "./timer-wheel.js";
import { checkWebSocketHandshake } from "./websocket-handshake.js";
import { decodeTextPacket, pollingMessage, SEPARATOR, wsMessage } from "./wire.js";
import { copyFrame } from "./frame-copy.js";

/** What a WebSocket upgrade is for, decided before upgrading and carried to `openSocket`. */
export type UpgradeTicket =
  | { readonly kind: "handshake"; readonly request: KeptRequest; readonly sid: string; readonly address: string }
  | { readonly kind: "probe"; readonly sid: string };

/** The engine's answer to an upgrade request: upgrade (with extra 101 headers), or an HTTP error. */
export type UpgradeDecision =
  | { readonly accept: true; readonly ticket: UpgradeTicket; readonly headers: readonly HeaderPair[] }
  | { readonly accept: false; readonly status: string; readonly headers: readonly HeaderPair[]; readonly body: string };

const noop = (): void => {};

/**
 * The Engine.IO v4 server, independent of the HTTP/WebSocket platform under
 * it: request verification, handshakes, the session registry, publish and
 * shutdown. The platform binding (`uws/`) feeds it copied requests and
 * WebSocket events; the Socket.IO layer sees it as an `EngineServer`.
 *
 * @example
 * ```ts
 * const engine = new Engine(resolveEngineOptions({ pingInterval: 10_000 }), platform);
 * engine.onConnection = (conn) => { conn.onMessage = (frame) => conn.send([frame]); };
 * ```
 */
export class Engine implements EngineServer, SessionHost {
  onConnection: (connection: EngineConnection) => void = noop;
  /** Observer of every session state change (tests, metrics). */
  stateObserver: ((change: SessionStateContext) => void) | null = null;
  readonly wheel: TimerWheel<EngineSession>;
  readonly ws: WsDriver;
  private readonly sessions = new Map<string, EngineSession>();
  /** Polling sessions closed by the server, waiting for a GET to take the close packet. */
  private readonly closing = new Map<string, EngineSession>();
  private readonly pollTopics = new Map<string, Set<EngineSession>>();
  private readonly policy: OriginPolicy;
  private readonly checkContext: RequestCheckContext<EngineSession>;
  /** Forwards polling requests for other nodes' sessions (only with `sessionRouter`). */
  private readonly forwarder: PollForwarder | null;
  /** Owner prefix of minted sids (the router's node id), or undefined for plain sids. */
  private readonly nodeId: string | undefined;
  private readonly openPackets: OpenPackets;
  /** Client addresses, the per-address cap and `allowRequest`: the gate of new sessions. */
  private readonly admission: Admission;
  private closed = false;

  constructor(
    readonly options: ResolvedEngineOptions,
    private readonly platform: EnginePlatform,
  ) {
    this.ws = platform.ws;
    this.policy = new OriginPolicy(options);
    this.openPackets = new OpenPackets(options);
    this.admission = new Admission(options);
    const { clock } = options;
    // One tick per 1/40 of the shortest heartbeat period, between 5 ms and 1 s. Finer ticks spread the pings of
    // sessions that connected together: at 1/8, 10 000 sessions on a 1 s heartbeat fired ~1 250 pings per tick and
    // the event loop's p99 delay was 19 ms (one client process; 44 ms beside ten); at 1/40 it is 7 ms (21 ms).
    const resolution = Math.min(1000, Math.max(5, Math.floor(Math.min(options.pingInterval, options.pingTimeout) / 40)));
    this.wheel = new TimerWheel<EngineSession>(clock, resolution, (s) => s.onTimer(clock.now()));
    this.checkContext = {
      transports: options.transports,
      find: (sid) => this.sessions.get(sid) ?? this.closing.get(sid),
    };
    const router = options.sessionRouter;
    this.nodeId = router?.nodeId;
    // Requests forwarded to us take the same path as direct ones (checks included).
    this.forwarder = router === null ? null : new PollForwarder(router, options, (req, ex) => this.handleHttp(req, ex));
  }

  get clientsCount(): number {
    return this.sessions.size;
  }

  /** Live sessions per client address (tests, metrics). */
  get addressCap(): AddressCap {
    return this.admission.cap;
  }

  publish(topic: string, frames: readonly Frame[], options?: SendOptions): void {
    this.publishExcept(topic, frames, options, null);
  }

  /** SessionHost: `EngineConnection.publish`, every subscriber of `topic` but `sender`. */
  publishFrom(sender: EngineSession, topic: string, frames: readonly Frame[], options?: SendOptions): void {
    this.publishExcept(topic, frames, options, sender);
  }

  private publishExcept(
    topic: string,
    frames: readonly Frame[],
    options: SendOptions | undefined,
    sender: EngineSession | null,
  ): void {
    if (frames.length === 0) return;
    // WebSocket subscribers: the platform fans out one encoded frame (volatile is
    // approximated by the platform's own hard-limit skipping). A sender on a
    // WebSocket is skipped natively; one on polling is not a platform subscriber.
    const compress = this.options.perMessageDeflate && options?.compress !== false;
    const skip = sender === null ? null : sender.ws;
    for (const frame of frames) this.platform.publish(topic, wsMessage(frame), compress, skip);
    const subscribers = this.pollTopics.get(topic);
    // No polling subscriber but the sender: nothing to encode.
    if (subscribers === undefined || (subscribers.size === 1 && sender !== null && subscribers.has(sender))) return;
    // Polling subscribers share one encoding of the frames.
    const entries = frames.map(pollingMessage);
    const volatile = options?.volatile === true;
    for (const session of subscribers) if (session !== sender) enqueuePolling(session, entries, volatile);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.platform.stopListening();
    for (const session of [...this.sessions.values()]) session.close("server shutting down");
    for (const session of [...this.closing.values()]) session.finish("server shutting down");
    // After the sessions: their parked forwarded GETs were just answered through the router.
    this.forwarder?.close();
    this.wheel.clear();
    this.platform.dropConnections();
  }

  /** An HTTP request on the engine path (never a WebSocket upgrade). */
  handleHttp(req: EngineRequest, exchange: HttpExchange): void {
    const invalid = checkRequestLimits(req, this.options.maxHeaderSize);
    if (invalid !== undefined) {
      exchange.end(invalid.status, invalid.headers, invalid.body, true);
      return;
    }
    const origin = req.headers.origin;
    if (!this.policy.isAllowed(origin, req.headers["sec-fetch-site"])) {
      send(exchange, errorResponse(EngineErrorCode.FORBIDDEN, []));
      return;
    }
    const cors = this.policy.headersFor(origin);
    if (req.method === "options") {
      exchange.end("204 No Content", this.policy.preflightHeaders(origin, req.headers["access-control-request-headers"]), "");
      return;
    }
    if (this.closed) {
      send(exchange, shuttingDown(cors));
      return;
    }
    const route = checkRequest(req, false, this.checkContext);
    if (route.kind === "error") {
      // A sid minted by another node: its owner answers, through the router.
      if (route.code === EngineErrorCode.UNKNOWN_SID && this.forwarder?.tryForward(req, exchange, cors)) return;
      send(exchange, errorResponse(route.code, cors));
      return;
    }
    if (route.kind === "handshake") {
      const address = this.admission.address(req);
      // Refused before allowRequest runs: a flood from one address never reaches the app's hooks.
      if (this.admission.hasRoom(address)) this.pollingHandshake(req, address, exchange, cors);
      else send(exchange, refusalResponse(TOO_MANY_CONNECTIONS, cors));
      return;
    }
    if (req.method === "get") {
      handlePoll(route.session, exchange, cors);
      return;
    }
    if (req.method === "post") {
      handlePost(route.session, exchange, cors, req.headers["content-type"]);
      return;
    }
    // The reference answers other methods on a session with a bodiless 500.
    exchange.end("500 Internal Server Error", cors, "");
  }

  /** Decide on a WebSocket upgrade request, before upgrading (errors are HTTP responses, never a 101). */
  checkUpgrade(req: EngineRequest): UpgradeDecision | Promise<UpgradeDecision> {
    const invalid = checkRequestLimits(req, this.options.maxHeaderSize);
    if (invalid !== undefined) return refuse(invalid);
    const origin = req.headers.origin;
    if (!this.policy.isAllowed(origin, req.headers["sec-fetch-site"])) return refuse(errorResponse(EngineErrorCode.FORBIDDEN, []));
    const cors = this.policy.headersFor(origin);
    const wsError = checkWebSocketHandshake(req.headers);
    if (wsError !== undefined) return refuse(wsError);
    if (this.closed) return refuse(shuttingDown(cors));
    const route = checkRequest(req, true, this.checkContext);
    if (route.kind === "error") return refuse(errorResponse(route.code, cors));
    if (route.kind === "session") {
      const session = route.session;
      // A second WebSocket for the same sid, or one during a running upgrade (PROTOCOL.md §2.7).
      if (session.state === "closing") return refuse(errorResponse(EngineErrorCode.UNKNOWN_SID, cors));
      if (session.state !== "open") return refuse(errorResponse(EngineErrorCode.BAD_REQUEST, cors));
      return { accept: true, ticket: { kind: "probe", sid: session.id }, headers: [] };
    }
    const address = this.admission.address(req);
    if (!this.admission.hasRoom(address)) return refuse(refusalResponse(TOO_MANY_CONNECTIONS, cors));
    const { request, allowed } = this.admission.admit(req);
    if (allowed instanceof Promise) return allowed.then((result) => this.handshakeDecision(request, address, result, cors));
    return this.handshakeDecision(request, address, allowed, cors);
  }

  /** A WebSocket accepted by `checkUpgrade` is open. Returns its session, or null when refused after all. */
  openSocket(ws: WsHandle, ticket: UpgradeTicket): EngineSession | null {
    if (this.closed) {
      this.ws.close(ws, 1001, "server shutting down");
      return null;
    }
    if (ticket.kind === "probe") {
      const session = this.sessions.get(ticket.sid);
      if (session !== undefined && attachProbe(session, ws)) return session;
      // The session closed or started another upgrade between the check and the open.
      this.ws.close(ws, 1008, "Session ID unknown");
      return null;
    }
    // Counted now, not at the decision: an upgrade abandoned in between never holds a slot.
    // Concurrent handshakes can all pass the check before any opens; the late ones go here.
    const slot = this.admission.acquire(ticket.address);
    if (slot === null) {
      this.ws.close(ws, 1013, TOO_MANY_CONNECTIONS.message);
      return null;
    }
    const sid = ticket.sid;
    const session = new EngineSession(sid, ticket.request, this, ws);
    session.addressSlot = slot;
    this.sessions.set(sid, session);
    this.ws.send(ws, this.openPackets.packet(sid, "websocket"));
    session.startHeartbeat(this.options.clock.now());
    this.onConnection(session);
    return session;
  }

  /**
   * A WebSocket message for `session`. `data` is borrowed from the platform
   * and valid only during this call: it is copied or decoded here.
   */
  socketMessage(session: EngineSession, ws: WsHandle, data: ArrayBuffer, isBinary: boolean): void {
    const tooBig = data.byteLength > this.options.maxPayload;
    if (ws === session.polling?.probe) {
      if (tooBig || isBinary) {
        failUpgrade(session);
        return;
      }
      onProbeText(session, Buffer.from(data).toString("utf8"));
      return;
    }
    if (ws !== session.ws) return;
    if (tooBig) {
      session.close("message too big");
      return;
    }
    // A binary frame is always a message packet (PROTOCOL.md §2.3).
    if (isBinary) {
      session.onMessage(copyFrame(data));
      return;
    }
    const packet = decodeTextPacket(Buffer.from(data).toString("utf8"));
    if (packet === undefined) {
      session.close("parse error");
      return;
    }
    session.onPacket(packet);
  }

  /** A WebSocket of `session` closed (any cause). */
  socketClosed(session: EngineSession, ws: WsHandle): void {
    if (ws === session.polling?.probe) onProbeClosed(session);
    else if (ws === session.ws) session.onTransportClosed();
  }

  /** SessionHost: the session is closed for good. */
  forget(session: EngineSession): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
    this.closing.delete(session.id);
    this.admission.release(session);
  }

  /** SessionHost: the session is closed but still owes its client a close packet. */
  retire(session: EngineSession): void {
    this.sessions.delete(session.id);
    this.closing.set(session.id, session);
    // Closed for the client's purposes: its reconnection must not find its own old session counted.
    this.admission.release(session);
  }

  /** SessionHost: keep the topic → polling sessions index (WebSocket sessions use platform topics). */
  indexTopic(session: EngineSession, topic: string, add: boolean): void {
    let set = this.pollTopics.get(topic);
    if (add) {
      if (set === undefined) {
        set = new Set();
        this.pollTopics.set(topic, set);
      }
      set.add(session);
    } else if (set !== undefined) {
      set.delete(session);
      if (set.size === 0) this.pollTopics.delete(topic);
    }
  }

  private pollingHandshake(req: EngineRequest, address: string, exchange: HttpExchange, cors: readonly HeaderPair[]): void {
    const { request, allowed } = this.admission.admit(req);
    if (allowed instanceof Promise) {
      allowed.then((result) => {
        // The client may have gone, or the server closed, while the hook ran.
        if (exchange.done) return;
        if (this.closed) return send(exchange, shuttingDown(cors));
        this.openPolling(request, address, exchange, cors, result);
      });
      return;
    }
    this.openPolling(request, address, exchange, cors, allowed);
  }

  private openPolling(
    request: KeptRequest,
    address: string,
    exchange: HttpExchange,
    cors: readonly HeaderPair[],
    allowed: AdmitResult,
  ): void {
    if (allowed !== true) {
      send(exchange, refusalResponse(allowed, cors));
      return;
    }
    // Checked again: other handshakes from the address may have opened while an async hook ran.
    const slot = this.admission.acquire(address);
    if (slot === null) {
      send(exchange, refusalResponse(TOO_MANY_CONNECTIONS, cors));
      return;
    }
    const sid = generateSessionId(this.nodeId);
    const session = new EngineSession(sid, request, this, null);
    session.addressSlot = slot;
    this.sessions.set(sid, session);
    const open = this.openPackets.packet(sid, "polling");
    session.polling!.push(open);
    session.startHeartbeat(this.options.clock.now());
    this.onConnection(session);
    const cookie = sessionCookie(sid, this.options);
    const headers = cookie === undefined ? cors : [...cors, cookie];
    if (session.state === "closed") {
      exchange.end("200 OK", headers, `${open}${SEPARATOR}1`);
      return;
    }
    // Answers at once with the open packet and anything queued during onConnection.
    handlePoll(session, exchange, headers);
  }

  private handshakeDecision(
    request: KeptRequest,
    address: string,
    allowed: AdmitResult,
    cors: readonly HeaderPair[],
  ): UpgradeDecision {
    if (allowed !== true) return refuse(refusalResponse(allowed, cors));
    if (this.closed) return refuse(shuttingDown(cors));
    // The sid is chosen now so the 101 response can carry the cookie.
    const sid = generateSessionId(this.nodeId);
    const cookie = sessionCookie(sid, this.options);
    const ticket: UpgradeTicket = { kind: "handshake", request, sid, address };
    return { accept: true, ticket, headers: cookie === undefined ? [] : [cookie] };
  }
}

function send(exchange: HttpExchange, response: { status: string; headers: readonly HeaderPair[]; body: string }): void {
  exchange.end(response.status, response.headers, response.body);
}

function refuse(response: { status: string; headers: readonly HeaderPair[]; body: string }): UpgradeDecision {
  return { accept: false, ...response };
}

function shuttingDown(cors: readonly HeaderPair[]) {
  return errorResponse(EngineErrorCode.BAD_REQUEST, cors, "Server shutting down", 503);
}
