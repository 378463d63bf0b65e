import { WebSocket } from "ws";

/**
 * `ws`'s WebSocket with an `error` listener always attached. Node 20 has no
 * global WebSocket without `--experimental-websocket` (this package's vitest
 * does not pass it), so the client gets `ws`. Workaround for a client bug:
 * when a connect attempt times out, `engine/websocket-transport.ts` clears
 * `onerror` and then calls `close()` on the CONNECTING socket; `ws` then emits
 * `error` ("closed before the connection was established") with no listener,
 * an uncaught exception.
 */
export class FaultWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on("error", () => {});
  }
}

