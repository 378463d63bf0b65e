/**
 * `@cometa/codec-msgpack/lite`: the browser-sized MessagePack codec. No
 * dependencies besides `@cometa/protocol`, no Node built-ins, built for size;
 * wire-identical to the Node `msgpackCodec` and hardened the same way.
 *
 * @example
 * ```ts
 * import { liteMsgpackCodec } from "@cometa/codec-msgpack/lite";
 * const socket = connect(url, { codec: liteMsgpackCodec });
 * ```
 */
export { createLiteMsgpackCodec, liteMsgpackClientCodec, liteMsgpackCodec } from "./lite-codec.js";
export { MsgpackCodecError, type MsgpackCodecOptions } from "./codec-options.js";
