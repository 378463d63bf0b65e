/**
 * The text codec as a client uses it: the same wire as `textCodec`, with the
 * same hardened decoding of values, but packet shapes checked the way a
 * client needs (`trustedPacket`) instead of by `validatePacket`, and packets
 * written without re-validation. It keeps `validatePacket` out of browser
 * bundles. Servers must use `textCodec`: they face untrusted peers.
 */
import type { Codec } from "../codec.js";
import { trustedPacket } from "../socketio/trusted-packet.js";
import { DEFAULT_VALUE_LIMITS } from "../socketio/value-guard.js";
import { DEFAULT_MAX_ATTACHMENTS } from "./text-codec.js";
import { createTextDecoder } from "./text-decoder.js";
import { writeTextPacket } from "./text-encoder.js";

/**
 * The Socket.IO default text codec for clients (see the file comment).
 *
 * @example
 * ```ts
 * import { clientTextCodec } from "@cometa/protocol";
 * const socket = connect("https://example.com", { codec: clientTextCodec });
 * ```
 */
export const clientTextCodec: Codec = {
  name: "text",
  encode: writeTextPacket,
  createDecoder: () => createTextDecoder(DEFAULT_MAX_ATTACHMENTS, DEFAULT_VALUE_LIMITS, (raw) => trustedPacket(raw, true)),
};
