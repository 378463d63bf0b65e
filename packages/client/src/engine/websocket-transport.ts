import { decodeFrame, encodeFrame, ProtocolError } from "@cometa/protocol";
import { ClientEngineError } from "./engine-error.js";
import { parseCloseHint } from "./http-failure.js";
import { globals, type WebSocketConstructor, type WebSocketLike } from "./platform.js";
import type { Transport, TransportFactory, TransportFailure } from "./transport.js";

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

  const detach = (): void => {
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close();
    } catch {
      // Closing a socket that never connected may throw in some runtimes.
    }
  };
  const fail = (reason: TransportFailure, detail?: Parameters<typeof handler.onTransportError>[1]): void => {
    if (closed) return;
    closed = true;
    detach();
    handler.onTransportError(reason, detail);
  };
  const wsError = (message: string, cause?: unknown): { error: ClientEngineError } => ({
    error: new ClientEngineError("WEBSOCKET_ERROR", message, { cause }),
  });

  try {
    if (!Ctor) throw new ClientEngineError("NO_TRANSPORT", "no WebSocket implementation (pass options.WebSocket)");
    const headers = options.extraHeaders;
    // Browsers cannot send headers on a WebSocket and would take the object as a subprotocol list.
    socket = Object.keys(headers).length > 0 && !globals.document ? new Ctor(url(), { headers }) : new Ctor(url());
    socket.binaryType = "arraybuffer";
    socket.onopen = () => handler.onTransportOpen();
    socket.onmessage = ({ data }) => {
      const packet = decodeFrame(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
      if (packet instanceof ProtocolError) fail("parse error", { error: packet });
      else handler.onTransportPacket(packet);
    };
    // Node's undici reports a refused connection with `error` only (no `close`), browsers send both: first wins.
    socket.onerror = () => fail("transport error", wsError("websocket error"));
    socket.onclose = ({ code, reason }) => fail("transport close", parseCloseHint(reason) ?? wsError(`websocket closed (${code})`));
  } catch (error) {
    // Report asynchronously: the engine is still inside the factory call.
    const detail = error instanceof ClientEngineError ? { error } : wsError("websocket constructor failed", error);
    Promise.resolve().then(() => fail("transport error", detail));
  }

  const transport: Transport = {
    get writable() {
      return !closed;
    },
    write(queue) {
      try {
        for (const packet of queue.splice(0)) socket!.send(encodeFrame(packet));
      } catch (error) {
        fail("transport error", wsError("websocket send failed", error));
      }
    },
    pause: (onPaused) => onPaused(),
    resume() {},
    close() {
      if (closed) return;
      closed = true;
      detach();
    },
  };
  return transport;
};
