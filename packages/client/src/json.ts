/**
 * @cometa/client/json: the same client as `@cometa/client`, speaking only the
 * Socket.IO default text format (JSON + binary attachments), so it works with
 * any Socket.IO server on its default parser and leaves MessagePack out of
 * the bundle. Client message ids (`retries`) cannot be carried by this format.
 *
 * @example
 * ```ts
 * import { connect } from "@cometa/client/json";
 * const socket = connect("https://example.com");
 * socket.emit("hello", { from: "json" });
 * ```
 */
import { textCodec } from "./codec/text-codec.js";
import { createConnect } from "./create-connect.js";
import { createClientEngine } from "./engine/index.js";

export * from "./public-api.js";
/**
 * The client's Socket.IO default text codec (the same wire and value
 * hardening as `textCodec` of `@cometa/protocol`), for
 * `connect(url, { codec: textCodec })` with `@cometa/client`.
 */
export { textCodec };

/** Codec names this entry accepts in the `codec` option. */
export type CodecName = "text";

/** Open (or reuse) a connection and return the socket for the URL's namespace (text codec). */
export const connect = createConnect<CodecName>({ codecs: { text: textCodec }, createEngine: createClientEngine });

/** Alias of {@link connect}, as socket.io-client's `io`. */
export const io = connect;
