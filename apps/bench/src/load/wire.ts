/**
 * The load generator's own tiny Socket.IO-over-msgpack wire handling (BENCH.md, PROTOCOL.md §4).
 *
 * Outgoing packets are msgpack maps `{type, nsp, data?, id?}` encoded with msgpackr configured like
 * notepack (plain maps, fixmap headers, float64 numbers, `undefined` as ext 0). Incoming packets are
 * decoded by name, so any key order a server writes is accepted.
 */
import { Packr, Unpackr } from "msgpackr";

/** Socket.IO packet types used by the benchmark protocol. */
export const PacketType = {
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
} as const;

/** A decoded Socket.IO packet as the harness sees it. */
export interface WirePacket {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

// variableMapSize: small maps get fixmap headers like notepack writes; useRecords off: plain maps only.
const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** The client CONNECT to namespace `/` without auth: `{type:0,nsp:"/"}`. */
export const CONNECT_FRAME: Buffer = packr.pack({ type: PacketType.CONNECT, nsp: "/" });

/** Encodes a client EVENT `[event, ...args]`, with an ack id when `id` is given. */
export function encodeEvent(args: readonly unknown[], id?: number): Buffer {
  return id === undefined
    ? packr.pack({ type: PacketType.EVENT, data: args, nsp: "/" })
    : packr.pack({ type: PacketType.EVENT, data: args, id, nsp: "/" });
}

/** Decodes one binary frame into a packet; throws on malformed msgpack (the harness treats it as fatal). */
export function decodePacket(frame: Uint8Array): WirePacket {
  return unpackr.unpack(frame) as WirePacket;
}

/**
 * Reads the payload timestamp `t` out of a tick frame without decoding the packet.
 *
 * The payload map always holds the key `t` (`a1 74`) followed by a float64 (`cb`) or float32 (`ca`);
 * "t" occurs nowhere else as a one-letter key in a tick frame, so the first match is the timestamp.
 * Returns NaN when the frame holds no such key. This keeps the per-delivery cost of the generator small,
 * so the server, not the generator, is what a saturated run measures.
 */
export function readTickTime(frame: Buffer): number {
  const end = frame.length - 5;
  for (let i = 0; i < end; i++) {
    if (frame[i] !== 0xa1 || frame[i + 1] !== 0x74) continue;
    const tag = frame[i + 2];
    if (tag === 0xcb && i + 11 <= frame.length) return frame.readDoubleBE(i + 3);
    if (tag === 0xca) return frame.readFloatBE(i + 3);
  }
  return Number.NaN;
}
