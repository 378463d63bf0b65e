import { createMsgpackCodec } from "@cometa/codec-msgpack";
import { PacketType } from "@cometa/protocol";
import type { ClusterMessage } from "@cometa/server/cluster";

/**
 * The bytes of one message on a Cometa Redis channel:
 *
 * ```
 * 0        version (1)
 * 1        flags: bit 0 = the same broadcast went to several room channels
 * 2        publisher id length P, then P bytes (ASCII)
 * 3+P      sender node uid length U, then U bytes (ASCII)
 * ..       seq      float64 BE: per publisher and channel, from 1
 * ..       bid      float64 BE: per publisher, identifies a broadcast across channels
 * ..       body     the ClusterMessage, MessagePack (the hardened codec)
 * ```
 *
 * The header is read without decoding the body, so a node drops its own
 * echoes, duplicates and out-of-order copies before paying for a decode. The
 * body is encoded once per broadcast; publishing it on k room channels costs
 * k small headers and copies, never k encodes.
 */
export const ENVELOPE_VERSION = 1;

/** Flag: this broadcast was published on several room channels (deduplicate by `bid`). */
export const FLAG_MULTI_ROOM = 1;

// Peers are trusted more than browsers, but the decoder still bounds depth and
// size: a corrupt or hostile message must not take a node down.
const codec = createMsgpackCodec({ maxDepth: 64, maxNodes: 1_000_000 });
const decoder = codec.createDecoder();

/** The header of a received message. */
export interface EnvelopeHeader {
  readonly flags: number;
  /** Publisher (backplane or emitter) id: the scope of `seq` and `bid`. */
  readonly publisher: string;
  /** Uid of the node that sent it (echo suppression). */
  readonly sender: string;
  readonly seq: number;
  readonly bid: number;
  /** Where the body starts. */
  readonly bodyOffset: number;
}

/** Encode a cluster message body (once per broadcast). */
export function encodeBody(message: ClusterMessage): Uint8Array {
  return codec.encode({ type: PacketType.EVENT, nsp: "/", data: ["m", message] })[0] as Uint8Array;
}

/** Wrap an encoded body with a header. */
export function wrapBody(
  body: Uint8Array,
  flags: number,
  publisher: string,
  sender: string,
  seq: number,
  bid: number,
): Buffer {
  const size = 4 + publisher.length + sender.length + 16 + body.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  out[at++] = ENVELOPE_VERSION;
  out[at++] = flags;
  out[at++] = publisher.length;
  at += out.write(publisher, at, "latin1");
  out[at++] = sender.length;
  at += out.write(sender, at, "latin1");
  at = out.writeDoubleBE(seq, at);
  at = out.writeDoubleBE(bid, at);
  out.set(body, at);
  return out;
}

/** Read the header, or undefined for bytes that are not a Cometa envelope. */
export function readHeader(bytes: Buffer): EnvelopeHeader | undefined {
  if (bytes.length < 4 || bytes[0] !== ENVELOPE_VERSION) return undefined;
  const flags = bytes[1]!;
  let at = 2;
  const publisherLength = bytes[at++]!;
  if (at + publisherLength + 1 > bytes.length) return undefined;
  const publisher = bytes.toString("latin1", at, at + publisherLength);
  at += publisherLength;
  const senderLength = bytes[at++]!;
  if (at + senderLength + 16 > bytes.length) return undefined;
  const sender = bytes.toString("latin1", at, at + senderLength);
  at += senderLength;
  const seq = bytes.readDoubleBE(at);
  const bid = bytes.readDoubleBE(at + 8);
  return { flags, publisher, sender, seq, bid, bodyOffset: at + 16 };
}

/** Decode the body, or undefined when it is not a well-formed cluster message. */
export function decodeBody(bytes: Buffer, offset: number): ClusterMessage | undefined {
  const packet = decoder.add(bytes.subarray(offset));
  if (packet === undefined || packet instanceof Error) return undefined;
  const data = packet.data;
  const message = (Array.isArray(data) ? data[1] : undefined) as Partial<ClusterMessage> | undefined;
  if (typeof message !== "object" || message === null) return undefined;
  if (typeof message.uid !== "string" || typeof message.nsp !== "string" || typeof message.type !== "number") return undefined;
  return message as ClusterMessage;
}
