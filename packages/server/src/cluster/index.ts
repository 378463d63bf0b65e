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
export type { Backplane } from "./backplane.js";
export { ClusterAdapter, type ClusterAdapterOptions, createClusterAdapter } from "./cluster-adapter.js";
export {
  type ClusterMessage,
  type ClusterMessageData,
  ClusterMessageType,
  fromWireOptions,
  toWireOptions,
  type WireBroadcastOptions,
} from "./cluster-message.js";
export { InMemoryAdapter } from "./in-memory-adapter.js";
export { createMemoryBackplane } from "./memory-backplane.js";
export { type RemoteSocket, RemoteSocketProxy } from "./remote-socket.js";
