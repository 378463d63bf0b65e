import { ProtocolError } from "@cometa/protocol";
import { ClientError } from "../errors.js";
import type { EngineCloseDetail } from "./engine-contract.js";
import { readFrame, writeFrame } from "./frames.js";
import { parseCloseHint } from "./http-failure.js";
import { globals, type WebSocketConstructor, type WebSocketLike } from "./platform.js";
import type { Transport, TransportFactory, TransportFailure } from "./transport.js";

const noop = (): void => {};

/**
 * The WebSocket transport: one Engine.IO packet per frame (PROTOCOL.md §2.3).
 * Text frames are `<type char><data>`; binary frames are bare `message`
 * payloads. Uses `options.WebSocket`, else `globalThis.WebSocket`.
 *
 * @example
 * ```ts
 * const ws = createWebSocketTransport({ options, clock, url: () => wsUrl }, handler);
 * ```
 */
export const createWebSocketTransport: TransportFactory = ({ options, url }, handler) => {
  const Ctor = (options.WebSocket ?? globals.WebSocket) as WebSocketConstructor | undefined;
  let socket: WebSocketLike | undefined;
  let closed = false;

  /** Detach and close the socket; false when already closed. */
  const close = (): boolean => {
    if (closed) return false;
    closed = true;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      // Keep an error listener: the `ws` package emits "error" when a connecting socket is closed, and an
      // EventEmitter error without a listener is an uncaught exception.
      socket.onerror = noop;
      try {
        socket.close();
      } catch {
        // Closing a socket that never connected may throw in some runtimes.
      }
    }
    return true;
  };
  const fail = (reason: TransportFailure, detail?: EngineCloseDetail): void => {
    if (close()) handler.onTransportError(reason, detail);
  };
  const wsError = (what: string, cause?: unknown): EngineCloseDetail => ({
    error: new ClientError("WEBSOCKET_ERROR", `websocket ${what}`, cause),
  });

  try {
    if (!Ctor) throw new ClientError("NO_TRANSPORT", "no WebSocket");
    const headers = options.extraHeaders;
    // Browsers cannot send headers on a WebSocket and would take the object as a subprotocol list.
    socket = Object.keys(headers).length > 0 && !globals.document ? new Ctor(url(), { headers }) : new Ctor(url());
    socket.binaryType = "arraybuffer";
    socket.onopen = () => handler.onTransportOpen();
    socket.onmessage = ({ data }) => {
      const packet = readFrame(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
      if (packet) handler.onTransportPacket(packet);
      else fail("parse error", { error: new ProtocolError("INVALID_FRAME", "invalid frame") });
    };
    // Node's undici reports a refused connection with `error` only (no `close`), browsers send both: first wins.
    socket.onerror = () => fail("transport error", wsError("error"));
    socket.onclose = ({ code, reason }) => fail("transport close", parseCloseHint(reason) ?? wsError(`closed (${code})`));
  } catch (error) {
    // Report asynchronously: the engine is still inside the factory call.
    const detail = error instanceof ClientError ? { error } : wsError("constructor failed", error);
    Promise.resolve().then(() => fail("transport error", detail));
  }

  const transport: Transport = {
    get writable() {
      return !closed;
    },
    write(queue) {
      try {
        for (const packet of queue.splice(0)) socket!.send(writeFrame(packet));
      } catch (error) {
        fail("transport error", wsError("send failed", error));
      }
    },
    pause: (onPaused) => onPaused(),
    resume() {},
    close(farewell) {
      // The WebSocket delivers what was sent before its close frame; no close packet is needed.
      if (farewell && !closed) transport.write(farewell, 0);
      close();
    },
  };
  return transport;
};
