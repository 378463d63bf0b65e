/**
 * The Socket.IO default parser (socket.io-parser 4.2) as a Cometa `Codec`:
 * JSON text frames plus binary attachments. Cometa's default is MessagePack;
 * this codec serves official clients that use the default parser.
 */
import type { Codec, PacketDecoder } from "../codec.js";
import type { Frame } from "../engine/packet.js";
import type { Packet } from "../socketio/packet.js";
import { DEFAULT_VALUE_LIMITS, type ValueLimits } from "../socketio/value-guard.js";
import { createTextDecoder, validateTextPacket } from "./text-decoder.js";
import { encodeTextPacket } from "./text-encoder.js";

/** Options of {@link createTextCodec}. */
export interface TextCodecOptions {
  /** Most binary attachments per packet, as socket.io-parser's `maxAttachments`. Default 10. */
  readonly maxAttachments?: number;
  /** Depth and node limits applied to decoded data. Default `DEFAULT_VALUE_LIMITS`. */
  readonly limits?: ValueLimits;
}

/** Default attachment cap (socket.io-parser 4.2.3+). */
export const DEFAULT_MAX_ATTACHMENTS = 10;

/**
 * Create a text codec. Encoding matches socket.io-parser byte for byte;
 * decoding is strict (see `TextPacketDecoder`).
 *
 * @example
 * ```ts
 * const codec = createTextCodec({ maxAttachments: 4 });
 * codec.encode({ type: PacketType.EVENT, nsp: "/", data: ["hey", "Jude"] }); // ['2["hey","Jude"]']
 * codec.encode({ type: PacketType.ACK, nsp: "/", id: 0, data: ["ok", new Uint8Array([1, 2])] });
 * // ['61-0["ok",{"_placeholder":true,"num":0}]', Uint8Array [1, 2]]
 * ```
 */
export function createTextCodec(options?: TextCodecOptions): Codec {
  const maxAttachments = options?.maxAttachments ?? DEFAULT_MAX_ATTACHMENTS;
  const limits = options?.limits ?? DEFAULT_VALUE_LIMITS;
  return {
    name: "text",
    encode: (packet: Packet): Frame[] => encodeTextPacket(packet),
    createDecoder: (): PacketDecoder => createTextDecoder(maxAttachments, limits, validateTextPacket),
  };
}

/** The text codec with default options. */
export const textCodec: Codec = /* @__PURE__ */ createTextCodec();
