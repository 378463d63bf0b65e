/**
 * The client's Engine.IO v4 layer: one connection over WebSocket and/or HTTP
 * long-polling, as the Socket.IO layer (`manager.ts`) sees it through the
 * `ClientEngine` contract.
 *
 * - Default order WebSocket first, falling back to polling within the same
 *   `open()`; on polling, WebSocket is probed and upgraded in the background.
 * - A failed WebSocket is remembered per origin for 10 minutes.
 * - Heartbeat watchdog with wall-clock checks; 503 `Retry-After` and the
 *   server close hint `1{"retryAfterMs":n}` become `retryAfterMs`.
 *
 * @example
 * ```ts
 * import { createClientEngine } from "./engine/index.js";
 * const engine = createClientEngine({ ...options, clock: systemClock });
 * engine.onOpen = () => engine.send(["0"]);
 * engine.open();
 * ```
 */
export {
  type CometaClientEngine,
  createClientEngine,
  type EngineState,
  type EngineStateChange,
  type EngineStateReason,
} from "./client-engine.js";
export type {
  ClientEngine,
  ClientEngineOptions,
  EngineCloseDetail,
  EngineCloseReason,
  TransportName,
} from "./engine-contract.js";
export type { ClientEngineErrorCode } from "../errors.js";
export { parseRetryAfter } from "./http-failure.js";
export type { FetchOption, WebSocketOption } from "./platform.js";
