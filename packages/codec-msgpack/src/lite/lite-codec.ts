import {
  type Codec,
  DEFAULT_VALUE_LIMITS,
  type Frame,
  type Packet,
  type PacketDecoder,
  ProtocolError,
  trustedPacket,
  type ValueLimits,
  validatePacket,
} from "@cometa/protocol";
import { type MsgpackCodecOptions, resolveLimits } from "./codec-options.js";
import { writePacket, writeTrustedPacket } from "./packet-writer.js";
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
  return codecWith(resolveLimits(options), validatePacket, writePacket);
}

/**
 * The codec for checked limits, checking packet shapes with `check` and
 * writing packets with `write`. The default codecs skip the option checks,
 * so bundles leave them out.
 */
function codecWith(
  limits: ValueLimits,
  check: (value: unknown) => Packet | ProtocolError,
  write: (packet: Packet) => Uint8Array,
): Codec {
  // The decoder is stateless (one frame = one packet), so every connection can share it.
  const decoder: PacketDecoder = {
    add(frame: Frame): Packet | ProtocolError {
      if (typeof frame === "string") return textFrameError();
      const value = readValue(frame, limits);
      return value instanceof ProtocolError ? value : check(value);
    },
    reset() {},
  };
  return {
    name: "msgpack",
    encode: (packet) => [write(packet)],
    createDecoder: () => decoder,
  };
}

/** A MessagePack packet is always a binary frame (PROTOCOL.md §4.1). */
export function textFrameError(): ProtocolError {
  return new ProtocolError("INVALID_FRAME", "text frame in msgpack");
}

/** The lite codec with default limits (depth 32, 10 000 values). */
export const liteMsgpackCodec: Codec = /* @__PURE__ */ codecWith(DEFAULT_VALUE_LIMITS, validatePacket, writePacket);

/**
 * The lite codec as a client uses it: the same wire, the same hardened
 * reader and limits, but packet shapes checked the way a client needs
 * (`trustedPacket`: a client trusts its server for them) instead of by
 * `validatePacket`, and its own packets written without re-checking. It
 * keeps `validatePacket` out of browser bundles. Servers must use
 * `liteMsgpackCodec` or `msgpackCodec`: they face untrusted peers.
 *
 * @example
 * ```ts
 * const socket = connect("https://example.com", { codec: liteMsgpackClientCodec });
 * ```
 */
export const liteMsgpackClientCodec: Codec = /* @__PURE__ */ codecWith(DEFAULT_VALUE_LIMITS, trustedPacket, writeTrustedPacket);
