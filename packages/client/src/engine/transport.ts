import type { EnginePacket } from "@cometa/protocol";
import type { Clock } from "../clock.js";
import type { ClientEngineOptions, EngineCloseDetail, EngineCloseReason } from "./engine-contract.js";

/**
 * The narrow interface between the engine and a transport (WebSocket or
 * long-polling). A transport starts connecting when it is created; it reports
 * through its {@link TransportHandler} and never calls it after `close()`.
 */
export interface Transport {
  /** True when `write` may be called now (no POST in flight, not paused, not closed). */
  readonly writable: boolean;
  /**
   * Sends packets from the front of `queue`, removing the ones it takes:
   * WebSocket takes all at once; polling takes, one microtask later (so the
   * rest of the tick's packets join), what fits one POST under `maxPayload`
   * (at least one packet) and reports `onDrain` when the POST is done.
   */
  write(queue: EnginePacket[], maxPayload: number): void;
  /** Stops starting requests, waits for in-flight ones, then calls `onPaused` (polling; WebSocket calls it at once). */
  pause(onPaused: () => void): void;
  /** Undoes `pause` (a probe failed after polling was paused). */
  resume(): void;
  /**
   * Tears down, silently without `farewell`. With `farewell` (a deliberate
   * close of an open session) the transport first sends those packets, then,
   * on polling, a `1` (close) packet: after any in-flight POST, in one last POST.
   */
  close(farewell?: EnginePacket[]): void;
}

/** Failures a transport reports. */
export type TransportFailure = Extract<EngineCloseReason, "transport error" | "transport close" | "parse error">;

/** Callbacks from a transport to the engine (`onTransport*` per house style). */
export interface TransportHandler {
  /** The WebSocket opened (before any packet). Polling never calls it. */
  onTransportOpen(): void;
  /** One decoded Engine.IO packet, in arrival order. */
  onTransportPacket(packet: EnginePacket): void;
  /** A write finished and `writable` is true again. */
  onTransportDrain(): void;
  /** The transport failed or the peer closed it; it is already torn down. Called at most once. */
  onTransportError(reason: TransportFailure, detail?: EngineCloseDetail): void;
}

/** What a transport needs from the engine besides the handler. */
export interface TransportContext {
  readonly options: ClientEngineOptions;
  readonly clock: Clock;
  /** A fresh request URL (with `sid` once known and a new cache-buster). */
  url(): string;
}

/** Creates and starts a transport. */
export type TransportFactory = (context: TransportContext, handler: TransportHandler) => Transport;
