/**
 * Parsing one text frame of the Socket.IO default parser into raw packet
 * fields. Stricter than socket.io-parser 4.2 `decodeString` where the
 * reference relies on loose `==` comparisons (it reads `" "` as the digit 0):
 * only ASCII digits count as digits here.
 */
import { ProtocolError } from "../errors.js";
import { PACKET_BINARY_ACK, PACKET_BINARY_EVENT, PACKET_CONNECT } from "../socketio/packet.js";

/** Raw fields of a text frame, before validation. */
export interface RawTextPacket {
  readonly type: number;
  /** Declared attachment count (BINARY_EVENT/BINARY_ACK only), else 0. */
  readonly attachments: number;
  readonly nsp: string;
  readonly id: number | undefined;
  readonly data: unknown;
}

/** More digits than any valid ack id (2^31−1 has 10) are rejected before conversion. */
const MAX_ID_DIGITS = 10;

/**
 * Split a text frame into its fields and parse the JSON payload. Never throws.
 * Checks the attachment count against `maxAttachments`; everything else about
 * the packet's shape is left to `validatePacket`.
 */
export function parseTextPacket(text: string, maxAttachments: number): RawTextPacket | ProtocolError {
  const type = text.charCodeAt(0) - 48;
  if (!(type >= PACKET_CONNECT && type <= PACKET_BINARY_ACK)) return new ProtocolError("INVALID_PACKET", "unknown packet type");
  let i = 1;
  // Digit runs are scanned inline: a closure here would be allocated for every frame.
  let attachments = 0;
  if (type === PACKET_BINARY_EVENT || type === PACKET_BINARY_ACK) {
    const start = i;
    i = skipDigits(text, i);
    // Compare the digit count first so a huge number is never converted.
    attachments = i - start > 6 ? Number.POSITIVE_INFINITY : Number(text.slice(start, i));
    if (i === start || text.charCodeAt(i++) !== 0x2d || attachments < 1) return new ProtocolError("INVALID_ATTACHMENTS", "illegal attachment count");
    if (attachments > maxAttachments) return new ProtocolError("INVALID_ATTACHMENTS", `more than ${maxAttachments} attachments`);
  }

  let nsp = "/";
  if (text.charCodeAt(i) === 0x2f) {
    // The namespace runs to the first comma, or to the end of the frame.
    const comma = text.indexOf(",", i);
    const end = comma < 0 ? text.length : comma;
    nsp = text.slice(i, end);
    i = end + 1;
  }

  const idStart = i;
  i = skipDigits(text, i);
  if (i - idStart > MAX_ID_DIGITS) return new ProtocolError("INVALID_ACK_ID", "ack id out of range");
  const id = i === idStart ? undefined : Number(text.slice(idStart, i));

  let data: unknown;
  if (i < text.length) {
    try {
      // V8's JSON.parse is iterative: deep nesting cannot overflow the stack here; guardValue bounds it after.
      data = JSON.parse(text.slice(i));
    } catch {
      return new ProtocolError("DECODE_MALFORMED", "payload is not valid JSON");
    }
  }
  return { type, attachments, nsp, id, data };
}

/** The index of the first non-ASCII-digit code unit at or after `i` (the string's length at its end). */
function skipDigits(text: string, i: number): number {
  let c = text.charCodeAt(i);
  // NaN past the end fails both comparisons.
  while (c >= 48 && c <= 57) c = text.charCodeAt(++i);
  return i;
}
