/**
 * The public surface shared by both entry points (`index.ts`, `json.ts`):
 * everything but `connect` itself, which each entry builds with its codecs.
 */
export type { ClientEngineErrorCode, ClientErrorCode } from "./errors.js";
export { ClientError, ConnectError, ConnectionError } from "./errors.js";
export type { ConnectOptions } from "./connect-options.js";
export type { ConnectFunction } from "./create-connect.js";
export type { EmitOperator } from "./emit-operator.js";
export type {
  Manager,
  ManagerCloseReason,
  ManagerEvents,
  ManagerState,
  ManagerStateChange,
  ManagerStateReason,
} from "./manager.js";
export type { Socket } from "./socket.js";
export type {
  AnyEventListener,
  AuthData,
  AuthOption,
  DecorateAcknowledgements,
  DisconnectReason,
  SocketOptions,
  SocketReservedEvents,
  SocketState,
  SocketStateChange,
  SocketStateReason,
} from "./socket-types.js";
export type { Clock } from "./clock.js";
export type { EngineCloseDetail, EngineCloseReason, TransportName } from "./engine/engine-contract.js";
export type { Codec, DefaultEventsMap, EventsMap } from "@cometa/protocol";
