/**
 * The cluster toolkit of `@cometa/server`: what an adapter or a backplane
 * (Redis, NATS, …) builds on. A server in one process needs none of it.
 *
 * @example
 * ```ts
 * import { createClusterAdapter, createMemoryBackplane } from "@cometa/server/cluster";
 * const bus = createMemoryBackplane(); // or a Redis backplane
 * const io = createServer({ adapter: createClusterAdapter(bus) });
 * ```
 */
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
} from "./adapter.js";
export type { Backplane, BackplaneStatus } from "./backplane.js";
export { ClusterAdapter, createClusterAdapter } from "./cluster-adapter.js";
export type {
  ClusterAdapterEvents,
  ClusterAdapterOptions,
  FetchSocketsResult,
  PartialResponseContext,
} from "./cluster-adapter-options.js";
export { ClusterError, type ClusterErrorCode } from "./cluster-error.js";
export {
  type ClusterMessage,
  type ClusterMessageData,
  ClusterMessageType,
  fromWireOptions,
  toWireOptions,
  type WireBroadcastOptions,
} from "./cluster-message.js";
export type { CollectedAnswers } from "./cluster-requests.js";
export { InMemoryAdapter } from "./in-memory-adapter.js";
export { createMemoryBackplane, type MemoryBackplane } from "./memory-backplane.js";
export { markPartial, missingNodes } from "./partial-answer.js";
export { type RemoteSocket, RemoteSocketProxy } from "./remote-socket.js";
export { broadcastRoute, isRoutableRoom } from "./room-routing.js";
