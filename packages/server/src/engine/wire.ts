import { type Frame, ProtocolError } from "@cometa/protocol";

/**
 * Engine.IO v4 packets on the server's wire (PROTOCOL.md §2.2–2.3), tuned
 * for Node: native base64, no intermediate packet objects on the send path.
 * The platform-neutral codec lives in `@cometa/protocol`; this file is the
 * server's fast path over the same format.
 */

/** Engine.IO packet type numbers (the type character minus `"0"`). */
export const PacketKind = {
  OPEN: 0,
  CLOSE: 1,
  PING: 2,
  PONG: 3,
  MESSAGE: 4,
  UPGRADE: 5,
  NOOP: 6,
} as const;

/** An Engine.IO packet type number. */
export type PacketKind = (typeof PacketKind)[keyof typeof PacketKind];

/** A decoded packet from the client: its kind and payload (text, or bytes for binary messages). */
export interface InboundPacket {
  readonly kind: PacketKind;
  readonly data: string | Uint8Array;
}

/** The record separator between packets of a polling payload. */
export const SEPARATOR = "\x1e";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A frame as a WebSocket frame: text gets the `4` message prefix, bytes go as they are. */
export function wsMessage(frame: Frame): string | Uint8Array {
  return typeof frame === "string" ? `4${frame}` : frame;
}

/** A frame as one entry of a polling payload: `4<text>`, or `b<base64>` for bytes. */
export function pollingMessage(frame: Frame): string {
  if (typeof frame === "string") return `4${frame}`;
  return `b${Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString("base64")}`;
}

/** Parse one text packet (`<type char><data>`); undefined for an empty string or unknown type. */
export function decodeTextPacket(text: string): InboundPacket | undefined {
  const kind = text.charCodeAt(0) - 48;
  if (!(kind >= 0 && kind <= 6)) return undefined;
  return { kind: kind as PacketKind, data: text.length === 1 ? "" : text.slice(1) };
}

/**
 * Parse a polling POST body: packets separated by 0x1E, binary ones as
 * `b<base64>`. Linear time; more than `maxPackets` packets, an empty packet,
 * an unknown type or invalid base64 → `ProtocolError` (`INVALID_PAYLOAD`).
 */
export function decodePollingPayload(body: string, maxPackets: number): InboundPacket[] | ProtocolError {
  const packets: InboundPacket[] = [];
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(SEPARATOR, start);
    if (end === -1) end = body.length;
    if (packets.length === maxPackets) return invalid(`more than ${maxPackets} packets in one payload`);
    const packet = decodePollingPacket(body.slice(start, end));
    if (packet === undefined) return invalid("malformed packet in payload");
    packets.push(packet);
    start = end + 1;
  }
  return packets;
}

function decodePollingPacket(text: string): InboundPacket | undefined {
  if (text.charCodeAt(0) !== 98 /* b */) return decodeTextPacket(text);
  const b64 = text.slice(1);
  if (!BASE64.test(b64)) return undefined;
  const bytes = Buffer.from(b64, "base64");
  return { kind: PacketKind.MESSAGE, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

function invalid(message: string): ProtocolError {
  return new ProtocolError("INVALID_PAYLOAD", message);
}
