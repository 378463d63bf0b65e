import type { EngineCloseReason } from "@cometa/protocol";
import { LINGERING_REASONS } from "./close-reasons.js";
import type { HeaderPair, HttpExchange } from "./platform.js";
import type { PollingState } from "./polling-state.js";
import type { EngineSession } from "./session.js";
import { decodePollingPayload } from "./wire.js";

/**
 * HTTP long-polling for one session (PROTOCOL.md §2.5, §2.8): at most one
 * parked GET and one POST at a time; a GET takes everything buffered as one
 * payload; a POST carries packets and gets `ok`.
 */

const GET_HEADERS: readonly HeaderPair[] = [
  ["Content-Type", "text/plain; charset=UTF-8"],
  ["Cache-Control", "no-store"],
];
const POST_HEADERS: readonly HeaderPair[] = [
  ["Content-Type", "text/html"],
  ["Cache-Control", "no-store"],
];

function withCors(base: readonly HeaderPair[], cors: readonly HeaderPair[]): readonly HeaderPair[] {
  return cors.length === 0 ? base : [...base, ...cors];
}

/**
 * Queue encoded polling entries (`4text`, `b<base64>`, `2`, …) and answer a
 * parked GET with them. Volatile entries are dropped unless a GET is parked
 * (the polling transport is writable only then). Returns false when dropped.
 */
export function enqueuePolling(session: EngineSession, entries: readonly string[], volatile: boolean): boolean {
  const polling = session.polling;
  if (polling === null) return false;
  if (volatile && polling.get === null) return false;
  // Never answer a parked GET with an empty payload (the client would read it as a parse error).
  if (entries.length === 0) return true;
  for (const entry of entries) polling.push(entry);
  if (polling.get !== null) {
    flushPoll(session);
  } else if (polling.bytes > session.host.options.backpressureHardLimit) {
    // The client stopped polling but keeps its session: bound the memory it can pin.
    session.close("slow consumer");
    return false;
  }
  return true;
}

/**
 * The server closes a polling session (the caller tells the Socket.IO layer).
 * A parked GET takes what is buffered plus the close packet at once. Without
 * one, a server-initiated close lingers in `closing` so the client still gets
 * both: from its next GET, or, when it is mid-upgrade (it got `3probe` and
 * stopped polling), on the WebSocket once its `5` arrives (as the reference
 * drains its buffer before closing). Other closes end the session now.
 */
export function closePolling(session: EngineSession, polling: PollingState, reason: EngineCloseReason): void {
  session.dropTopics(polling);
  const lingers = LINGERING_REASONS.has(reason);
  if (lingers && polling.probed) {
    // Keep the probe and its upgradeTimeout: `completeUpgrade` flushes and closes, a failed
    // upgrade (timeout, probe closed, wrong packet) ends the session.
    linger(session, polling, reason);
    return;
  }
  session.dropProbe();
  if (polling.get !== null) {
    polling.push("1");
    flushPoll(session);
    session.finish(reason);
  } else if (lingers) {
    // The client learns about the close from a later GET (or never, after closeTimeout):
    // first what is still buffered, then the close packet in a response of its own.
    linger(session, polling, reason);
    const { clock, closeTimeout } = session.host.options;
    session.host.wheel.schedule(session, clock.now() + closeTimeout);
  } else {
    session.finish(reason);
  }
}

function linger(session: EngineSession, polling: PollingState, reason: EngineCloseReason): void {
  // A slow consumer's backlog is what the limit protects memory from: drop it.
  if (reason === "slow consumer") polling.drain();
  polling.closeReason = reason;
  session.setState("closing", reason);
  session.host.retire(session);
}

/** Answer the parked GET with everything buffered. */
export function flushPoll(session: EngineSession): void {
  endPoll(session, session.polling!.drain());
}

/** Answer the parked GET with `body` and forget it. */
export function endPoll(session: EngineSession, body: string): void {
  const polling = session.polling!;
  const exchange = polling.get!;
  polling.get = null;
  exchange.onAbort = null;
  exchange.end("200 OK", polling.getHeaders, body);
}

/** A GET on an existing session. `cors` are the request's CORS headers (plus the cookie on a handshake). */
export function handlePoll(session: EngineSession, exchange: HttpExchange, cors: readonly HeaderPair[]): void {
  const polling = session.polling!;
  if (session.state === "closing") {
    // A server close is waiting for GETs: first what was queued before it, then the
    // close packet alone. Like the reference: socket.io-client defers decoded messages
    // to the next tick, so a close packet in the same payload would overtake them.
    polling.get = exchange;
    polling.getHeaders = withCors(GET_HEADERS, cors);
    if (polling.buffer.length > 0) {
      flushPoll(session);
      return;
    }
    endPoll(session, "1");
    session.finish(polling.closeReason ?? "forced close");
    return;
  }
  if (polling.get !== null) {
    // Overlapping GETs: the new one gets 400, the parked one the close packet (reference behaviour).
    exchange.end("400 Bad Request", cors, "");
    session.close("transport error");
    return;
  }
  polling.get = exchange;
  polling.getHeaders = withCors(GET_HEADERS, cors);
  if (polling.buffer.length > 0) {
    flushPoll(session);
    return;
  }
  // Probed upgrade: end every poll at once with a noop so the client can switch (PROTOCOL.md §2.7).
  if (polling.probed) {
    endPoll(session, "6");
    return;
  }
  exchange.onAbort = () => {
    // The client gave up on the poll: the reference treats it as a transport error.
    polling.get = null;
    session.close("transport error");
  };
}

/** A POST on an existing session. `contentType` is the request's `Content-Type` header. */
export function handlePost(
  session: EngineSession,
  exchange: HttpExchange,
  cors: readonly HeaderPair[],
  contentType: string | undefined,
): void {
  const polling = session.polling!;
  if (session.state === "closing") {
    // The session is gone for the server; the close packet waits for the next GET.
    exchange.end("200 OK", withCors(POST_HEADERS, cors), "ok");
    return;
  }
  if (polling.posting) {
    exchange.end("400 Bad Request", cors, "");
    session.close("transport error");
    return;
  }
  // v4 payloads are text; a binary body is an EIO=3-style client or garbage (reference: 400 + session error).
  if (contentType?.startsWith("application/octet-stream")) {
    exchange.end("400 Bad Request", cors, "");
    session.close("transport error");
    return;
  }
  polling.posting = true;
  const { maxPayload, maxPacketsPerPayload, bodyTimeout, clock } = session.host.options;
  // Slow-body slowloris (RELIABILITY P8): a body that has not arrived in time gets 408 and the
  // connection is dropped (its unread rest must never be parsed as a request).
  const timer = clock.setTimeout(() => {
    if (exchange.done) return;
    polling.posting = false;
    exchange.onAbort = null;
    exchange.end("408 Request Timeout", cors, "", true);
    session.close("transport error");
  }, bodyTimeout);
  exchange.onAbort = () => {
    clock.clearTimeout(timer);
    polling.posting = false;
    session.close("transport error");
  };
  exchange.readBody(maxPayload, (body) => {
    clock.clearTimeout(timer);
    polling.posting = false;
    exchange.onAbort = null;
    if (body === null) {
      // 413 already sent. The official client treats it as a transport error and reconnects.
      session.close("transport error");
      return;
    }
    if (session.state === "closed") return exchange.end("400 Bad Request", cors, "");
    const packets = decodePollingPayload(body, maxPacketsPerPayload);
    if (!Array.isArray(packets)) {
      exchange.end("400 Bad Request", cors, "");
      session.close("parse error");
      return;
    }
    exchange.end("200 OK", withCors(POST_HEADERS, cors), "ok");
    for (const packet of packets) {
      if (session.state !== "open" && session.state !== "upgrading") return;
      session.onPacket(packet);
    }
  });
}
