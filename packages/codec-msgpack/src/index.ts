/**
 * `@cometa/codec-msgpack`: the hardened MessagePack codec for Cometa,
 * wire-compatible with `socket.io-msgpack-parser` (PROTOCOL.md §4), with its
 * own reader and writer tuned for Node (docs/benchmarks/codecs.md).
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
