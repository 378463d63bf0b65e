/**
 * Engine.IO packets on a WebSocket: one packet per frame (PROTOCOL.md §2.3).
 * Text frames are `<type char><data>`; a binary frame is always a `message`
 * packet and carries its raw bytes with no type byte.
 */
import { ProtocolError } from "../errors.js";
import { decodeBase64 } from "./base64.js";
import { ENGINE_PACKET_TYPES, type EnginePacket } from "./packet.js";

/** Char code of "0", the `open` type; the seven types are "0"…"6". */
const TYPE_ZERO = 48;
/** Char code of "b": a base64 binary message, sent by peers that cannot send binary frames. */
const BASE64_MARKER = 98;

/** `"0"`…`"6"` by type name. */
const TYPE_CHAR: Readonly<Record<EnginePacket["type"], string>> = {
  open: "0",
  close: "1",
  ping: "2",
  pong: "3",
  message: "4",
  upgrade: "5",
  noop: "6",
};

/**
 * Encode one Engine.IO packet as a WebSocket frame payload: a string for a
 * text frame, or the bytes themselves for a binary `message`.
 *
 * Throws a `ProtocolError` (`INVALID_FRAME`) only for programmer misuse:
 * binary data on a packet other than `message`.
 *
 * @example
 * ```ts
 * encodeFrame({ type: "ping" })                     // "2"
 * encodeFrame({ type: "message", data: '2["hi"]' }) // '42["hi"]'
 * encodeFrame({ type: "message", data: bytes })     // bytes (send as a binary frame)
 * ```
 */
export function encodeFrame(packet: EnginePacket): string | Uint8Array {
  const { type, data } = packet;
  if (data === undefined) return TYPE_CHAR[type];
  if (typeof data === "string") return TYPE_CHAR[type] + data;
  if (type !== "message") {
    throw new ProtocolError("INVALID_FRAME", `a ${type} packet cannot carry binary data`);
  }
  return data;
}

/**
 * Decode one WebSocket frame payload. Binary data is a `message`; text starts
 * with a type char `0`–`6`, or `b` + base64 for a binary message (what the
 * reference parser accepts from peers without binary support). Never throws:
 * an empty string, an unknown type char or bad base64 gives `INVALID_FRAME`.
 *
 * The bytes of a binary frame are returned as given, not copied: copy
 * borrowed buffers (uWS) before keeping them.
 *
 * @example
 * ```ts
 * decodeFrame("2probe") // { type: "ping", data: "probe" }
 * decodeFrame("9")      // ProtocolError INVALID_FRAME
 * ```
 */
export function decodeFrame(data: string | Uint8Array): EnginePacket | ProtocolError {
  if (typeof data !== "string") return { type: "message", data };
  return decodeTextPacket(data) ?? new ProtocolError("INVALID_FRAME", describeBadPacket(data));
}

/**
 * Decode one text packet (a WebSocket text frame or one entry of a polling
 * payload). Returns `undefined` when it is invalid; callers choose the error.
 * @internal shared with payload.ts
 */
export function decodeTextPacket(text: string): EnginePacket | undefined {
  const code = text.charCodeAt(0); // NaN for "", which fails both tests below
  const type = ENGINE_PACKET_TYPES[code - TYPE_ZERO];
  if (type !== undefined) return text.length > 1 ? { type, data: text.slice(1) } : { type };
  if (code === BASE64_MARKER) {
    const bytes = decodeBase64(text.slice(1));
    return bytes === undefined ? undefined : { type: "message", data: bytes };
  }
  return undefined;
}

/** A short, safe description of why a text packet was rejected (never echoes more than a few chars). */
export function describeBadPacket(text: string): string {
  if (text.length === 0) return "empty packet";
  if (text.charCodeAt(0) === BASE64_MARKER) return "invalid base64 in a binary packet";
  return `unknown packet type ${JSON.stringify(text.slice(0, 1))}`;
}
