/**
 * Bench server: bare uWebSockets.js speaking just enough Engine.IO v4 (WebSocket-only) and
 * Socket.IO v5 with the msgpack wire format, by hand. This is the ceiling the other servers are
 * measured against: a broadcast is ONE `app.publish` of a frame built by copying the payload bytes
 * between a fixed prefix and suffix (no decode, no re-encode); an echo ack copies the payload the same way.
 *
 * Run: `PORT=3000 node apps/bench/dist/servers/bare-uws.js`.
 */
import { randomBytes } from "node:crypto";
import type { HttpRequest, HttpResponse, us_socket_context_t, WebSocket } from "uWebSockets.js";
import { ackFrame, connectReplyFrame, TRUE_VALUE, tickFrame } from "./bare-frames.js";
import { type ClientPacket, readClientPacket } from "./bare-packet.js";
import { MsgpackCursor } from "./msgpack-cursor.js";
import { loadNativeUws } from "./native-uws.js";
import { announce, exitOnSignal, readListenAddress } from "./server-env.js";

const PING_INTERVAL_MS = 25_000;
const PING_TIMEOUT_MS = 20_000;
const MAX_PAYLOAD = 1_000_000;
/** Every socket subscribes to this topic so one publish pings them all. */
const PING_TOPIC = "\0eio-ping";

interface SessionData {
  sid: string;
  connected: boolean;
}

const address = readListenAddress();
const uws = loadNativeUws();
const app = uws.App();
// One cursor and one packet record serve every message: nothing is allocated to read a packet.
const cursor = new MsgpackCursor();
const packet: ClientPacket = { type: -1, id: -1, isRootNamespace: false, dataAt: -1 };

function openPacket(sid: string): string {
  return `0${JSON.stringify({ sid, upgrades: [], pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS, maxPayload: MAX_PAYLOAD })}`;
}

function rejectUpgrade(res: HttpResponse, code: number, message: string): void {
  res.writeStatus("400 Bad Request").writeHeader("Content-Type", "application/json").end(JSON.stringify({ code, message }));
}

/** Matches the event name at the cursor against an ASCII name without allocating a string. */
function isEvent(bytes: Uint8Array, at: number, length: number, name: string): boolean {
  if (length !== name.length) return false;
  for (let i = 0; i < length; i++) if (bytes[at + i] !== name.charCodeAt(i)) return false;
  return true;
}

function onEvent(ws: WebSocket<SessionData>, bytes: Uint8Array): void {
  if (packet.dataAt < 0) throw new RangeError("EVENT without data");
  cursor.pos = packet.dataAt;
  if (cursor.arrayHeader() < 2) return;
  const nameLength = cursor.strHeader();
  const nameAt = cursor.pos;
  cursor.pos += nameLength;
  if (isEvent(bytes, nameAt, nameLength, "broadcast")) {
    const roomLength = cursor.strHeader();
    // The room bytes themselves are the topic: uWS topics are byte strings, so no string is built.
    const topic = bytes.subarray(cursor.pos, cursor.pos + roomLength);
    cursor.pos += roomLength;
    const payloadAt = cursor.pos;
    cursor.skip();
    app.publish(topic, tickFrame(bytes.subarray(payloadAt, cursor.pos)), true);
  } else if (isEvent(bytes, nameAt, nameLength, "echo")) {
    const payloadAt = cursor.pos;
    cursor.skip();
    if (packet.id >= 0) ws.send(ackFrame(packet.id, bytes.subarray(payloadAt, cursor.pos)), true);
  } else if (isEvent(bytes, nameAt, nameLength, "join")) {
    ws.subscribe(cursor.str());
    if (packet.id >= 0) ws.send(ackFrame(packet.id, TRUE_VALUE), true);
  }
}

function onBinary(ws: WebSocket<SessionData>, bytes: Uint8Array): void {
  readClientPacket(cursor.reset(bytes), packet);
  const session = ws.getUserData();
  switch (packet.type) {
    case 0: // CONNECT
      if (!packet.isRootNamespace) throw new RangeError("only namespace / exists");
      session.connected = true;
      ws.send(connectReplyFrame(session.sid), true);
      return;
    case 1: // DISCONNECT
      ws.end(1000);
      return;
    case 2: // EVENT: ignored until the namespace is connected, like Socket.IO
      if (session.connected) onEvent(ws, bytes);
      return;
    default:
    // ACKs from clients are not part of the protocol
  }
}

app.ws<SessionData>("/socket.io/", {
  maxPayloadLength: MAX_PAYLOAD,
  // Generous: a bounded-window benchmark never gets near it, and a skipped (dropped) tick would be a lie.
  maxBackpressure: 1 << 20,
  idleTimeout: 60, // > pingInterval + pingTimeout: a client that stops answering pings is dropped
  sendPingsAutomatically: false,
  upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t) {
    if (req.getQuery("EIO") !== "4") return rejectUpgrade(res, 5, "Unsupported protocol version");
    if (req.getQuery("transport") !== "websocket") return rejectUpgrade(res, 0, "Transport unknown");
    res.upgrade<SessionData>(
      { sid: randomBytes(15).toString("base64url"), connected: false },
      req.getHeader("sec-websocket-key"),
      req.getHeader("sec-websocket-protocol"),
      req.getHeader("sec-websocket-extensions"),
      context,
    );
  },
  open(ws) {
    ws.subscribe(PING_TOPIC);
    ws.send(openPacket(ws.getUserData().sid), false);
  },
  message(ws, message, isBinary) {
    if (!isBinary) {
      // "3" pong needs nothing (receiving it resets idleTimeout); "1" close ends the session.
      if (new Uint8Array(message)[0] === 0x31) ws.end(1000);
      return;
    }
    try {
      onBinary(ws, new Uint8Array(message));
    } catch {
      ws.end(1002, "parse error");
    }
  },
});
app.any("/*", (res) => {
  res.writeStatus("404 Not Found").end();
});

setInterval(() => app.publish(PING_TOPIC, "2", false), PING_INTERVAL_MS);
app.listen(address.host, address.port, (token) => {
  if (!token) {
    console.error(`bare-uws: cannot listen on ${address.host}:${address.port}`);
    process.exit(1);
  }
  announce("bare-uws", address);
});
exitOnSignal(() => undefined);
