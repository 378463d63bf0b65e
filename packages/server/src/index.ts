/**
 * @cometa/server — a Socket.IO-compatible server on uWebSockets.js.
 *
 * Quick guide:
 *
 * 1. Create and start a server. It speaks the Socket.IO v4 protocol, with
 *    MessagePack by default (`socket.io-msgpack-parser` on the client), the
 *    default JSON parser with `codec: "text"`, or both with `codec: "auto"`.
 *
 *    ```ts
 *    import { createServer } from "@cometa/server";
 *    const io = createServer({ codec: "auto", cors: { origin: ["https://app.example"] } });
 *    await io.listen(3000);
 *    ```
 *
 *    Or mount it on your own uWS app (your routes stay on the same port):
 *    `io.attach(app)`.
 *
 * 2. Authenticate in middleware, then handle connections. Everything a
 *    Socket.IO user expects is there: namespaces (`io.of("/admin")`, dynamic
 *    ones with a RegExp or a function), rooms, acks, `timeout()`,
 *    `emitWithAck`, `onAny`, `socket.use`, `fetchSockets` and friends.
 *
 *    ```ts
 *    io.use((socket, next) => (verify(socket.handshake.auth.token) ? next() : next(new Error("unauthorized"))));
 *    io.on("connection", (socket) => {
 *      socket.join("lobby");
 *      socket.on("chat", (text, ack) => { socket.to("lobby").emit("chat", text); ack("ok"); });
 *    });
 *    ```
 *
 * 3. Broadcast with immutable operators. A broadcast is encoded once per codec
 *    and a plain room broadcast is fanned out by uWS itself.
 *
 *    ```ts
 *    io.to("lobby").except("muted").emit("news", item);
 *    const answers = await io.timeout(2000).emitWithAck("survey");
 *    ```
 *
 * 4. Type your events: `createServer<ClientToServer, ServerToClient, InterServer, SocketData>()`.
 *
 * 5. Shut down with `await io.close()`: clients see `server shutting down`, the port is freed.
 */

import type { DefaultEventsMap, EventsMap } from "@cometa/protocol";
import { Server } from "./server.js";
import type { ServerOptions } from "./server-options.js";

/**
 * Create a Socket.IO server. Call `listen(port)` to serve on its own uWS app,
 * or `attach(app)` to mount it on yours.
 *
 * @example
 * ```ts
 * const io = createServer({ pingInterval: 10_000 });
 * io.on("connection", (socket) => socket.emit("welcome", socket.id));
 * const { port } = await io.listen(0);
 * ```
 */
export function createServer<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  // biome-ignore lint/suspicious/noExplicitAny: untyped by default, like Socket.IO
  SocketData = any,
>(options: ServerOptions = {}): Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  return new Server(options);
}

export type { Server } from "./server.js";
export type { CodecOption, ServerOptions } from "./server-options.js";
export type { Namespace, Middleware } from "./namespace.js";
export type { NamespaceMatcher, ParentNamespace } from "./parent-namespace.js";
export type { Socket, PacketMiddleware } from "./socket.js";
export type { SocketEmitter } from "./socket-emitter.js";
export type { BroadcastOperator } from "./broadcast-operator.js";
export type { Handshake } from "./handshake.js";
export type { DisconnectReason } from "./disconnect-reason.js";
export type { NamespaceReservedEvents, ServerReservedEvents, SocketReservedEvents } from "./reserved-events.js";
export type { Clock, TimerHandle } from "./clock.js";
export type {
  Adapter,
  AdapterEvent,
  AdapterFactory,
  AdapterNamespace,
  BroadcastFlags,
  BroadcastOptions,
  LocalSocket,
  Room,
  SocketDetails,
  SocketId,
} from "./cluster/adapter.js";
export type { RemoteSocket } from "./cluster/remote-socket.js";
export { AckLimitError, AckTimeoutError, ConnectionRefusedError, ServerError, type ServerErrorCode } from "./errors.js";
export type { EngineOptions } from "./engine/engine-options.js";
export { RoomRefusedError, type RoomRefusal } from "./room-guard.js";
export type { RateLimitOptions } from "./rate-limit.js";
export type { EngineConnection, EngineServer, HandshakeRequest, SendOptions } from "./engine/engine-connection.js";
// Connection state recovery: the option, and the store contracts `@cometa/redis` implements for several instances.
export type { ServerRecoveryOptions } from "./recovery/recovery.js";
export type { ConnectionStateRecoveryOptions } from "./recovery/recovery-options.js";
export type { LocalRecoveryStores, RecoveryStores, SharedRecoveryStores } from "./recovery/recovery-stores.js";
export type { BroadcastFeed } from "./recovery/broadcast-feed.js";
export type { DedupClaim, DedupWindow } from "./recovery/dedup-window.js";
export type { LogEntry, LogEntryInput, PacketLog, ReplayFailure, ReplayResult } from "./recovery/packet-log.js";
export type { SessionRecord, SessionStore } from "./recovery/session-store.js";
