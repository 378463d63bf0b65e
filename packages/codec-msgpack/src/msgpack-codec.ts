import { type Codec, type Frame, type Packet, type PacketDecoder, ProtocolError, validatePacket } from "@cometa/protocol";
import { type MsgpackCodecOptions, resolveLimits } from "./lite/codec-options.js";
import { textFrameError } from "./lite/lite-codec.js";
import { writePacket } from "./packet-writer.js";
import { RawPacket, toPacket } from "./raw-packet.js";
import { readFrame } from "./value-reader.js";

/**
 * Create the MessagePack codec for Node, wire-compatible with
 * `socket.io-msgpack-parser` 3.x (official clients and servers using the
 * msgpack parser talk to it unchanged; PROTOCOL.md §4).
 *
 * - Encoding: one binary frame per packet; a map with keys in the reference
 *   order, `nsp` always written, absent `data`/`id` left out; binary of any
 *   kind (Buffer, Uint8Array, other typed arrays, DataView, ArrayBuffer) as
 *   `bin`; Date as notepack ext 0. Frames are views into a shared slab: send
 *   them with their `byteOffset`/`byteLength`, never as `frame.buffer`.
 *   Throws `MsgpackCodecError` only for packets no peer could accept.
 * - Decoding never throws: hostile input yields a `ProtocolError` with a
 *   precise `code` (RELIABILITY.md M1–M11, with every check on). Binary values
 *   decode to `Buffer` copies, whether the frame is a Buffer or a Uint8Array.
 *
 * @example
 * ```ts
 * import { createMsgpackCodec } from "@cometa/codec-msgpack";
 * const codec = createMsgpackCodec({ maxDepth: 16, maxNodes: 5_000 });
 * const [frame] = codec.encode({ type: 2, nsp: "/", data: ["hello", Buffer.from([1])] });
 * const packet = codec.createDecoder().add(frame!); // { type: 2, nsp: "/", data: [...] }
 * ```
 */
export function createMsgpackCodec(options?: MsgpackCodecOptions): Codec {
  const limits = resolveLimits(options);
  // Stateless: one frame is one packet, so all connections share one decoder.
  const decoder: PacketDecoder = {
    add(frame: Frame): Packet | ProtocolError {
      if (typeof frame === "string") return textFrameError();
      const value = readFrame(frame, limits);
      if (value instanceof RawPacket) return toPacket(value);
      return value instanceof ProtocolError ? value : validatePacket(value);
    },
    reset() {},
  };
  return {
    name: "msgpack",
    encode: (packet) => [writePacket(packet)],
    createDecoder: () => decoder,
  };
}

/** The MessagePack codec with default limits (depth 32, 10 000 values). The server's default codec. */
export const msgpackCodec: Codec = createMsgpackCodec();
