/**
 * Just enough RFC 6455 framing for a fuzzing client: encode masked client
 * frames (optionally fragmented, with the header positions recorded so a
 * mutation can lie in them) and read the server's unmasked frames.
 */

/** WebSocket opcodes. */
export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

/** One message (or control frame) of a session. */
export interface WsMessage {
  readonly opcode: number;
  readonly payload: Uint8Array;
}

/** Where a frame header sits in an encoded stream. */
export interface FrameHeader {
  /** Offset of the first header byte (FIN, RSV, opcode). */
  readonly offset: number;
  /** Bytes of extended length after the second byte: 0, 2 or 8. */
  readonly extendedLength: 0 | 2 | 8;
}

/** Encoded client frames with their headers located. */
export interface EncodedFrames {
  readonly wire: Uint8Array;
  readonly headers: readonly FrameHeader[];
}

/** Options of {@link encodeClientFrames}. */
export interface EncodeOptions {
  /** Masking key of every frame. Default `[0x12, 0x34, 0x56, 0x78]`. */
  readonly mask?: Uint8Array;
  /** Split each data message into this many fragments (1 = no fragmentation). Default 1. */
  readonly fragments?: number;
}

const DEFAULT_MASK = Uint8Array.of(0x12, 0x34, 0x56, 0x78);

/**
 * Encode messages as masked client frames.
 *
 * @example
 * ```ts
 * const { wire } = encodeClientFrames([{ opcode: Opcode.TEXT, payload: new TextEncoder().encode("40") }]);
 * socket.write(wire);
 * ```
 */
export function encodeClientFrames(messages: readonly WsMessage[], options: EncodeOptions = {}): EncodedFrames {
  const mask = options.mask ?? DEFAULT_MASK;
  const fragments = Math.max(1, options.fragments ?? 1);
  const chunks: Uint8Array[] = [];
  const headers: FrameHeader[] = [];
  let offset = 0;
  const push = (fin: boolean, opcode: number, payload: Uint8Array): void => {
    const frame = encodeFrame(fin, opcode, payload, mask);
    headers.push({ offset, extendedLength: frame.extendedLength });
    chunks.push(frame.bytes);
    offset += frame.bytes.length;
  };
  for (const message of messages) {
    const isData = message.opcode === Opcode.TEXT || message.opcode === Opcode.BINARY;
    if (!isData || fragments === 1 || message.payload.length < fragments) {
      push(true, message.opcode, message.payload);
      continue;
    }
    const size = Math.ceil(message.payload.length / fragments);
    for (let at = 0; at < message.payload.length; at += size) {
      const last = at + size >= message.payload.length;
      push(last, at === 0 ? message.opcode : Opcode.CONTINUATION, message.payload.subarray(at, at + size));
    }
  }
  const wire = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    wire.set(chunk, at);
    at += chunk.length;
  }
  return { wire, headers };
}

function encodeFrame(
  fin: boolean,
  opcode: number,
  payload: Uint8Array,
  mask: Uint8Array,
): { bytes: Uint8Array; extendedLength: 0 | 2 | 8 } {
  const length = payload.length;
  const extendedLength: 0 | 2 | 8 = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const head = 2 + extendedLength + 4;
  const bytes = new Uint8Array(head + length);
  bytes[0] = (fin ? 0x80 : 0) | (opcode & 0x0f);
  bytes[1] = 0x80 | (extendedLength === 0 ? length : extendedLength === 2 ? 126 : 127);
  if (extendedLength === 2) {
    bytes[2] = length >>> 8;
    bytes[3] = length & 0xff;
  } else if (extendedLength === 8) {
    new DataView(bytes.buffer).setBigUint64(2, BigInt(length));
  }
  bytes.set(mask.subarray(0, 4), head - 4);
  for (let i = 0; i < length; i++) bytes[head + i] = payload[i]! ^ mask[i & 3]!;
  return { bytes, extendedLength };
}

/** A close frame payload: the status code, big-endian, plus an optional reason. */
export function closePayload(code: number, reason = ""): Uint8Array {
  const text = new TextEncoder().encode(reason);
  const out = new Uint8Array(2 + text.length);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}

/** A server frame as read off the wire (server frames are never masked). */
export interface ServerFrame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Uint8Array;
}

/**
 * Incremental reader of server frames: feed TCP chunks, get whole frames.
 * Frames longer than `maxFrame` bytes are skipped (a fuzzing client never
 * needs them and must not buffer what a broken server might announce).
 */
export class ServerFrameReader {
  private buffer = new Uint8Array(0);

  constructor(private readonly maxFrame = 1 << 20) {}

  /** Append a chunk; returns the frames it completed. */
  push(chunk: Uint8Array): ServerFrame[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    const frames: ServerFrame[] = [];
    let at = 0;
    for (;;) {
      const frame = readFrame(joined, at);
      if (frame === undefined) break;
      at = frame.end;
      if (frame.payload.length <= this.maxFrame) frames.push(frame);
    }
    this.buffer = joined.slice(at);
    return frames;
  }
}

function readFrame(bytes: Uint8Array, at: number): (ServerFrame & { end: number }) | undefined {
  if (bytes.length - at < 2) return undefined;
  const b0 = bytes[at]!;
  const b1 = bytes[at + 1]!;
  let length = b1 & 0x7f;
  let head = 2;
  if (length === 126) {
    if (bytes.length - at < 4) return undefined;
    length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    head = 4;
  } else if (length === 127) {
    if (bytes.length - at < 10) return undefined;
    length = Number(new DataView(bytes.buffer, bytes.byteOffset + at + 2, 8).getBigUint64(0));
    head = 10;
  }
  const masked = (b1 & 0x80) !== 0;
  if (masked) head += 4;
  if (bytes.length - at < head + length) return undefined;
  const payload = bytes.slice(at + head, at + head + length);
  if (masked) {
    const key = bytes.subarray(at + head - 4, at + head);
    for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ key[i & 3]!;
  }
  return { fin: (b0 & 0x80) !== 0, opcode: b0 & 0x0f, payload, end: at + head + length };
}
