/**
 * Engine.IO v4 frames and long-polling payloads (PROTOCOL.md §2.2, §2.4), the
 * client's own compact build: the same wire and the same checks as the
 * protocol package's `encodeFrame`/`decodeFrame`/`encodePayload`/
 * `decodePayload` (type digit, canonical base64, at most 10 000 packets per
 * payload), with one error code per failure and no per-case messages. The
 * engine only ever writes packets it built itself, so encoding does not
 * re-check them.
 */
import { ENGINE_PACKET_TYPES, type EnginePacket, type Frame, ProtocolError } from "@cometa/protocol";

/** `atob`/`btoa`, typed here because the client compiles without DOM types. */
const { atob, btoa } = globalThis as unknown as { atob(text: string): string; btoa(binary: string): string };

/** Canonical padded base64: whole quads, then optionally one padded quad. */
const BASE64 = /^(?:[A-Za-z\d+/]{4})*(?:[A-Za-z\d+/]{2}==|[A-Za-z\d+/]{3}=)?$/;

/** Packets of one polling payload are separated by the record separator. */
const SEPARATOR = "\x1e";

/** Most packets accepted in one polling payload (the protocol's default `maxPackets`). */
const MAX_PACKETS = 10_000;

/**
 * One packet as a frame: `<type digit><text>`, or the raw bytes of a binary
 * message (WebSocket); with `base64`, binary becomes `b<base64>` (polling).
 */
export function writeFrame({ type, data = "" }: EnginePacket, base64?: boolean): Frame {
  if (typeof data === "string") return ENGINE_PACKET_TYPES.indexOf(type) + data;
  if (!base64) return data;
  let binary = "";
  // Chunked: one `String.fromCharCode` call per 12 KB stays below engine argument limits.
  for (let i = 0; i < data.length; i += 0x3000) binary += String.fromCharCode(...data.subarray(i, i + 0x3000));
  return `b${btoa(binary)}`;
}

/** One frame as a packet, or undefined when it is not a valid Engine.IO frame. */
export function readFrame(frame: Frame): EnginePacket | undefined {
  if (typeof frame !== "string") return { type: "message", data: frame };
  const type = ENGINE_PACKET_TYPES[frame.charCodeAt(0) - 48];
  if (type) return frame.length > 1 ? { type, data: frame.slice(1) } : { type };
  const text = frame.slice(1);
  if (frame[0] === "b" && BASE64.test(text)) return { type: "message", data: Uint8Array.from(atob(text), (char) => char.charCodeAt(0)) };
}

/** Packets as one polling request body. */
export const writePayload = (packets: readonly EnginePacket[]): string =>
  packets.map((packet) => writeFrame(packet, true)).join(SEPARATOR);

/** A polling response body as packets, or `INVALID_PAYLOAD` (too many packets, or one invalid). */
export function readPayload(body: string): EnginePacket[] | ProtocolError {
  const packets = body.split(SEPARATOR, MAX_PACKETS + 1).map(readFrame);
  return packets.length > MAX_PACKETS || packets.includes(undefined)
    ? new ProtocolError("INVALID_PAYLOAD", "invalid payload")
    : (packets as EnginePacket[]);
}
