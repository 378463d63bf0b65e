import { type Codec, type Frame, type Packet, type PacketDecoder, ProtocolError, validatePacket } from "@cometa/protocol";
import { type MsgpackCodecOptions, resolveLimits } from "./codec-options.js";
import { writePacket } from "./packet-writer.js";
import { readValue } from "./value-reader.js";

/**
 * Create the dependency-free MessagePack codec for browsers: wire-identical to
 * `createMsgpackCodec()` (same bytes out, same packets and error codes in),
 * built on nothing but `TextEncoder`/`TextDecoder`.
 *
 * Decoding never throws: invalid input yields a `ProtocolError` whose `code`
 * says why (`DECODE_MALFORMED`, `DECODE_TYPE_REJECTED`, `DECODE_DEPTH_EXCEEDED`,
 * `DECODE_BUDGET_EXCEEDED`, `DECODE_FORBIDDEN_KEY`, `INVALID_PACKET`, …).
 * Binary values decode to `Uint8Array` copies (`Buffer` when the frame is one).
 *
 * @example
 * ```ts
 * import { createLiteMsgpackCodec } from "@cometa/codec-msgpack/lite";
 * const codec = createLiteMsgpackCodec({ maxDepth: 16 });
 * const [frame] = codec.encode({ type: 2, nsp: "/", data: ["hello", new Uint8Array([1])] });
 * const packet = codec.createDecoder().add(frame!);
 * ```
 */
export function createLiteMsgpackCodec(options?: MsgpackCodecOptions): Codec {
  const limits = resolveLimits(options);
  // The decoder is stateless (one frame = one packet), so every connection can share it.
  const decoder: PacketDecoder = {
    add(frame: Frame): Packet | ProtocolError {
      if (typeof frame === "string") return textFrameError();
      const value = readValue(frame, limits);
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

/** A MessagePack packet is always a binary frame (PROTOCOL.md §4.1). */
export function textFrameError(): ProtocolError {
  return new ProtocolError("INVALID_FRAME", "text frame in msgpack");
}

/** The lite codec with default limits (depth 32, 10 000 values). */
export const liteMsgpackCodec: Codec = createLiteMsgpackCodec();
