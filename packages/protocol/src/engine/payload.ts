/**
 * Engine.IO long-polling payloads (PROTOCOL.md §2.3): packets joined by the
 * record separator 0x1E, text packets as `<type char><data>`, binary ones as
 * `b` + base64 (implicitly `message`). Both directions use text bodies in v4.
 */
import { ProtocolError } from "../errors.js";
import { encodeBase64 } from "./base64.js";
import { decodeTextPacket, encodeFrame } from "./frame.js";
import type { EnginePacket, Frame } from "./packet.js";

/** The record separator between packets. */
export const PAYLOAD_SEPARATOR = "\x1e";

/**
 * Default cap on packets per payload. A 1 MB body (the default `maxPayload`)
 * could otherwise hold 500 000 one-char packets; 10 000 still allows an
 * average of 100 bytes per packet, far more than the official client packs
 * into one POST in normal use, and bounds the allocation of a hostile body
 * (RELIABILITY.md P5). Raise it for clients that flush large offline buffers
 * over polling.
 */
export const DEFAULT_MAX_PAYLOAD_PACKETS = 10_000;

/** Options of {@link decodePayload}. */
export interface DecodePayloadOptions {
  /** Most packets accepted in one payload; more gives `INVALID_PAYLOAD`. Default {@link DEFAULT_MAX_PAYLOAD_PACKETS}. */
  readonly maxPackets?: number;
}

/**
 * Encode packets as one polling payload.
 *
 * Text data must not contain 0x1E: the protocol assumes it never does, and
 * the Socket.IO codecs never produce it (JSON escapes control characters,
 * binary goes through base64).
 *
 * @example
 * ```ts
 * encodePayload([
 *   { type: "message", data: "hello" },
 *   { type: "message", data: new Uint8Array([1, 2, 3, 4]) },
 * ]) // "4hello\x1ebAQIDBA=="
 * ```
 */
export function encodePayload(packets: readonly EnginePacket[]): string {
  return packets.map((packet) => asText(encodeFrame(packet))).join(PAYLOAD_SEPARATOR);
}

/** A frame as one payload entry: text as is, bytes as `b` + base64. */
function asText(frame: string | Uint8Array): string {
  return typeof frame === "string" ? frame : "b" + encodeBase64(frame);
}

/**
 * Encode Socket.IO frames (a codec's output) as `message` packets of one
 * polling payload: strings become `4<text>`, bytes `b<base64>`. This is what a
 * server holds in a session's outgoing buffer.
 *
 * @example
 * ```ts
 * encodePayloadFrames(['461-0["ok",{"_placeholder":true,"num":0}]', new Uint8Array([1, 2])])
 * // '461-0["ok",{"_placeholder":true,"num":0}]\x1ebAQI='
 * ```
 */
export function encodePayloadFrames(frames: readonly Frame[]): string {
  let out = "";
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    out += (i > 0 ? PAYLOAD_SEPARATOR : "") + (typeof frame === "string" ? "4" + frame : asText(frame));
  }
  return out;
}

/**
 * Decode a polling payload. Never throws: an empty body, an empty or
 * unknown-type packet, bad base64 or more than `maxPackets` packets give
 * `INVALID_PAYLOAD` (the reference server then closes the session).
 *
 * Runs in time linear in the body length, and a body of 100 000 separators
 * is rejected after splitting off at most `maxPackets + 1` entries.
 *
 * @example
 * ```ts
 * decodePayload("4hello\x1ebAQIDBA==")
 * // [{ type: "message", data: "hello" }, { type: "message", data: Uint8Array [1, 2, 3, 4] }]
 * ```
 */
export function decodePayload(body: string, options?: DecodePayloadOptions): EnginePacket[] | ProtocolError {
  const maxPackets = options?.maxPackets ?? DEFAULT_MAX_PAYLOAD_PACKETS;
  // The limit stops split() after maxPackets + 1 entries (a hostile body never allocates more); split takes a uint32.
  const texts = body.split(PAYLOAD_SEPARATOR, Math.min(maxPackets + 1, 2 ** 32 - 1));
  if (texts.length > maxPackets) return new ProtocolError("INVALID_PAYLOAD", `more than ${maxPackets} packets`);
  const packets: EnginePacket[] = [];
  for (const text of texts) {
    const packet = decodeTextPacket(text);
    if (packet === undefined) return new ProtocolError("INVALID_PAYLOAD", `invalid packet at index ${packets.length}`);
    packets.push(packet);
  }
  return packets;
}
