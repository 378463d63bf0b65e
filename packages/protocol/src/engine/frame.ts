/**
 * Engine.IO packets on a WebSocket: one packet per frame (PROTOCOL.md §2.3).
 * Text frames are `<type char><data>`; a binary frame is always a `message`
 * packet and carries its raw bytes with no type byte.
 */
import { ProtocolError } from "../errors.js";
import { decodeBase64 } from "./base64.js";
import { ENGINE_PACKET_TYPES, type EnginePacket } from "./packet.js";

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
  const { type, data = "" } = packet;
  // The type character is the type's index: "0" (open) … "6" (noop).
  if (typeof data === "string") return ENGINE_PACKET_TYPES.indexOf(type) + data;
  if (type !== "message") throw new ProtocolError("INVALID_FRAME", `binary data on a ${type} packet`);
  return data;
}

/**
 * Decode one WebSocket frame payload. Binary data is a `message`; text starts
 * with a type char `0`–`6`, or `b` + base64 for a binary message (what the
 * reference parser accepts from peers without binary support). Never throws:
 * an empty string, an unknown type char or bad base64 gives `INVALID_FRAME`
 * (its message never echoes the input).
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
  return decodeTextPacket(data) ?? new ProtocolError("INVALID_FRAME", "invalid packet");
}

/**
 * Decode one text packet (a WebSocket text frame or one entry of a polling
 * payload). Returns `undefined` when it is invalid; callers choose the error.
 * @internal shared with payload.ts
 */
export function decodeTextPacket(text: string): EnginePacket | undefined {
  const type = ENGINE_PACKET_TYPES[text.charCodeAt(0) - 48]; // NaN for "": no type
  if (type !== undefined) return text.length > 1 ? { type, data: text.slice(1) } : { type };
  // "b" + base64: a binary message from a peer that cannot send binary frames.
  const bytes = text[0] === "b" ? decodeBase64(text.slice(1)) : undefined;
  return bytes && { type: "message", data: bytes };
}
