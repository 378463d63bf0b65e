/**
 * `@cometa/codec-msgpack`: the hardened MessagePack codec for Cometa, on
 * msgpackr, wire-compatible with `socket.io-msgpack-parser` (PROTOCOL.md §4).
 * The browser-sized, dependency-free twin lives at `@cometa/codec-msgpack/lite`.
 *
 * @example
 * ```ts
 * import { msgpackCodec } from "@cometa/codec-msgpack";
 * const server = createServer({ codec: msgpackCodec });
 * ```
 */
export { createMsgpackCodec, msgpackCodec } from "./msgpack-codec.js";
export { MsgpackCodecError, type MsgpackCodecOptions } from "./lite/codec-options.js";
