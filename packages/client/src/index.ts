/**
 * @cometa/client: a reconnecting Socket.IO client for browsers and Node.
 *
 * `connect(url)` returns a socket for the namespace in the URL's path. Sockets
 * of several namespaces on one server share one connection (`socket.io`, the
 * Manager), which reconnects with exponential backoff and jitter and rejoins
 * every namespace. Emits made while disconnected wait in a bounded offline
 * buffer and leave in order after reconnection; `volatile` emits are dropped
 * instead. Acks are callbacks or promises (`emitWithAck`), with `timeout(ms)`
 * and `ackTimeout`; `retries` makes client→server emits at-least-once, each
 * carrying a stable message id the server can de-duplicate.
 *
 * This entry speaks MessagePack (compact, binary-friendly; the server needs
 * the msgpack parser). For the Socket.IO default text format, use the
 * `@cometa/client/json` entry, or pass its codec here:
 * `connect(url, { codec: textCodec })` with `textCodec` from
 * `@cometa/client/json` (once that entry is imported, `codec: "text"` works
 * here too). The text codec is not bundled otherwise.
 *
 * The bundled codecs are client builds (`liteMsgpackClientCodec` here, the
 * json entry's own `textCodec` there): the same wire and the same hardened
 * decoding of values as the servers' codecs, but packet shapes are checked
 * for what the client acts on rather than by the server's full
 * `validatePacket` (a client trusts the server it chose for shape; the server
 * validates everything).
 *
 * Errors carry a stable `code` (`ClientError`): `connect_error` gives
 * `ConnectError` (server refusal, with `.data`) or `ConnectionError`
 * (network, with `.detail`); failed acks give `ACK_TIMEOUT`, `DISCONNECTED`,
 * `OFFLINE_BUFFER_FULL` or `RETRIES_EXHAUSTED`.
 *
 * @example
 * ```ts
 * import { connect } from "@cometa/client";
 *
 * interface ServerToClient { message(text: string): void }
 * interface ClientToServer { send(text: string, ack: (stored: boolean) => void): void }
 *
 * const socket = connect<ServerToClient, ClientToServer>("https://chat.example.com", {
 *   auth: (cb) => cb({ token: localStorage.token }),
 * });
 * socket.on("connect", () => console.log("joined as", socket.id));
 * socket.on("message", (text) => render(text));
 * socket.on("connect_error", (err) => console.warn(err.message));
 * const stored = await socket.timeout(5000).emitWithAck("send", "hello");
 * ```
 */
import { liteMsgpackClientCodec } from "@cometa/codec-msgpack/lite";
import { createConnect } from "./create-connect.js";
import { createClientEngine } from "./engine/index.js";

export * from "./public-api.js";

/** Codec names this entry accepts in the `codec` option (`"text"` only once `@cometa/client/json` is imported). */
export type CodecName = "msgpack" | "text";

/**
 * Open (or reuse) a connection and return the socket for the URL's namespace.
 *
 * @example
 * ```ts
 * const admin = connect("https://example.com/admin", { auth: { token }, ackTimeout: 10_000 });
 * ```
 */
export const connect = createConnect<CodecName>({ codecs: { msgpack: liteMsgpackClientCodec }, createEngine: createClientEngine });

/** Alias of {@link connect}, as socket.io-client's `io`. */
export const io = connect;
