import { CometaError } from "@cometa/protocol";
import type { HttpRequest, HttpResponse, us_socket_context_t } from "uWebSockets.js";
import { Engine, type UpgradeDecision } from "../engine/engine.js";
import type { EngineServer } from "../engine/engine-connection.js";
import { type EngineOptions, type ResolvedEngineOptions, resolveEngineOptions } from "../engine/engine-options.js";
import type { EnginePlatform } from "../engine/platform.js";
import { copyRequest, UwsHttpExchange } from "./http-exchange.js";
import { loadUws } from "./load-uws.js";
import { onClientPing } from "./ping-flood.js";
import { closeListeners, closeOwnedConnections, type UwsApp } from "./uws-app.js";
import { publishSkipping, SOCKET_CLOSED, type UwsUserData, type UwsWebSocket, uwsDriver } from "./ws-driver.js";

/**
 * Register the Engine.IO endpoint (`options.path`, HTTP long-polling and
 * WebSocket) on an existing uWS app; the app's other routes keep working on
 * the same port. Returns the engine as the Socket.IO layer drives it.
 *
 * @example
 * ```ts
 * const app = createUwsApp();
 * app.get("/health", (res) => res.end("ok"));
 * const engine = mountEngine(app, { cors: { origin: ["https://app.example"] } });
 * engine.onConnection = (conn) => { conn.onMessage = (frame) => conn.send([frame]); };
 * await listen(app, 3000);
 * ```
 */
export function mountEngine(app: UwsApp, options: EngineOptions = {}): EngineServer {
  return attachEngine(app, resolveEngineOptions(options));
}

/** Thrown when a path already has an engine on this app (uWS would silently keep the first routes). */
export class EngineMountError extends CometaError<"ENGINE_ALREADY_MOUNTED"> {}

const mountedPaths = new WeakMap<UwsApp, Set<string>>();

/** `mountEngine` with resolved options, returning the full `Engine` (tests, the Socket.IO layer's internals). */
export function attachEngine(app: UwsApp, options: ResolvedEngineOptions): Engine {
  let paths = mountedPaths.get(app);
  if (paths === undefined) {
    paths = new Set();
    mountedPaths.set(app, paths);
  }
  if (paths.has(options.path)) {
    throw new EngineMountError("ENGINE_ALREADY_MOUNTED", `an engine is already mounted at ${options.path} on this app`);
  }
  paths.add(options.path);
  const uws = loadUws({ allowFallback: true });
  const platform: EnginePlatform = {
    ws: uwsDriver,
    publish: (topic, data, compress, skip) => {
      // uWS leaves the publishing socket out natively.
      if (skip != null && publishSkipping(skip, topic, data, compress === true)) return;
      app.publish(topic, data, typeof data !== "string", compress === true);
    },
    stopListening: () => closeListeners(app),
    dropConnections: () => closeOwnedConnections(app),
  };
  const engine = new Engine(options, platform);
  // RFC 6455 §5.1 says a server must close on an unmasked client frame. uWS 20.30 does not
  // look at the MASK bit at all (RELIABILITY W6): it reads the 4 bytes after the header as
  // the key, so an unmasked frame swallows the start of the next one and the stream
  // desynchronises, usually into a protocol-error close. The app never sees the bit, so
  // this is documented rather than wrapped: masking protects proxies from frames a
  // *browser* page crafts, browsers always mask, and a non-browser client can send any
  // bytes anyway. Nothing from server memory is echoed (tested). Every other framing
  // error (RSV bits, reserved opcodes, bad UTF-8, oversized or fragmented control frames,
  // 2^63 lengths) makes uWS close the connection itself.
  app.ws<UwsUserData>(options.path, {
    compression: options.perMessageDeflate ? uws.SHARED_COMPRESSOR | uws.SHARED_DECOMPRESSOR : uws.DISABLED,
    // A little headroom above maxPayload, so an oversized message reaches our
    // handler and gets a visible 1009 close instead of uWS's silent cut (1006).
    maxPayloadLength: options.maxPayload + Math.min(options.maxPayload, 1024 * 1024),
    // uWS skips (drops) sends above this; the engine then disconnects the socket as a slow consumer.
    maxBackpressure: options.backpressureHardLimit,
    // Liveness is the Engine.IO heartbeat's job.
    idleTimeout: 0,
    sendPingsAutomatically: false,
    upgrade: (res, req, context) => onUpgrade(engine, options, res, req, context),
    open: (ws) => {
      // getUserData() is the socket itself: the upgrade's user data was copied onto it.
      const data = ws.getUserData();
      const ticket = data.ticket!;
      data.ticket = null;
      data.session = engine.openSocket(ws, ticket);
    },
    message: (ws, message, isBinary) => {
      const session = ws.getUserData().session;
      if (session !== null) engine.socketMessage(session, ws, message, isBinary);
    },
    // uWS answers pings itself; a flood of them is cut (RELIABILITY W9).
    ping: (ws) => onClientPing(ws),
    close: (ws) => onClose(engine, ws),
  });
  // A non-upgrade request on the WebSocket route falls through to this route,
  // so it gets an Engine.IO JSON error instead of uWS's bare TCP close.
  app.any(options.path, (res, req) => {
    // The exchange registers onAborted before anything else can fail.
    const exchange = new UwsHttpExchange(res, req.getHeader("content-length"));
    try {
      engine.handleHttp(copyRequest(req, res), exchange);
    } catch (error) {
      // A bug or a throwing user callback: answer, then let the error surface as usual.
      exchange.end("500 Internal Server Error", [], "");
      throw error;
    }
  });
  return engine;
}

function onUpgrade(
  engine: Engine,
  options: ResolvedEngineOptions,
  res: HttpResponse,
  req: HttpRequest,
  context: us_socket_context_t,
): void {
  // Everything from `req` is copied now: it is gone after this function returns.
  const request = copyRequest(req, res);
  let decision: UpgradeDecision | Promise<UpgradeDecision>;
  try {
    decision = engine.checkUpgrade(request);
    if (!(decision instanceof Promise)) {
      // Answered (upgraded or refused) before returning: no abort handler, no closure.
      applyUpgrade(res, decision, request.headers, options, context);
      return;
    }
  } catch (error) {
    // A bug or a throwing user hook: answer, so uWS never sees a request left without a
    // response or an abort handler (it would abort the process), then let the error surface.
    answerServerError(res);
    throw error;
  }
  // An async allowRequest: uWS requires an abort handler before the handler returns.
  const pending = { aborted: false };
  res.onAborted(() => {
    pending.aborted = true;
  });
  decision.then((d) => {
    if (pending.aborted) return;
    res.cork(() => applyUpgrade(res, d, request.headers, options, context));
  });
}

function applyUpgrade(
  res: HttpResponse,
  decision: UpgradeDecision,
  headers: Readonly<Record<string, string>>,
  options: ResolvedEngineOptions,
  context: us_socket_context_t,
): void {
  if (!decision.accept) {
    res.writeStatus(decision.status);
    for (const [name, value] of decision.headers) res.writeHeader(name, value);
    res.end(decision.body, true);
    return;
  }
  if (decision.headers.length > 0) {
    // Custom headers on a 101 need the status line written first (uWS rule).
    res.writeStatus("101 Switching Protocols");
    for (const [name, value] of decision.headers) res.writeHeader(name, value);
  }
  // Same property order for every socket: one hidden class for all of them.
  const userData: UwsUserData = { ticket: decision.ticket, session: null, pingDue: 0 };
  res.upgrade(
    userData,
    headers["sec-websocket-key"]!,
    firstProtocol(headers["sec-websocket-protocol"]),
    options.perMessageDeflate ? (headers["sec-websocket-extensions"] ?? "") : "",
    context,
  );
}

/** 500 with the connection closed, unless the response is already gone (upgraded or ended). */
function answerServerError(res: HttpResponse): void {
  try {
    res.writeStatus("500 Internal Server Error").end("", true);
  } catch {
    // Already answered: nothing left to do.
  }
}

/** An RFC 7230 token, what a subprotocol name must be (RFC 6455 §4.1). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;

/**
 * Engine.IO uses no subprotocol; like `ws`, accept the client's first one so
 * its handshake succeeds. Only the first entry is looked at (one `indexOf`,
 * constant work for a header of 10 000 tokens, RELIABILITY H15), and it is
 * echoed only when it is a plain token of at most 64 characters: anything
 * else is declined (no `Sec-WebSocket-Protocol` in the 101).
 */
export function firstProtocol(header: string | undefined): string {
  if (!header) return "";
  const comma = header.indexOf(",");
  const first = (comma === -1 ? header : header.slice(0, comma)).trim();
  return TOKEN.test(first) ? first : "";
}

function onClose(engine: Engine, ws: UwsWebSocket): void {
  const data = ws.getUserData();
  const session = data.session;
  data.pingDue = SOCKET_CLOSED;
  data.session = null;
  data.ticket = null;
  if (session !== null) engine.socketClosed(session, ws);
}
