/**
 * The `ws` WebSocket the load clients use, with one change: the frames a
 * socket sends in one synchronous run (an ack round's `echo` and `ask-back`,
 * say) leave in one `writev` instead of one `write` syscall each.
 *
 * Why: a profile of L4's fleet (1 000 clients × 20 asks/s in one process)
 * spent 41 % of its CPU in `writeBuffer`, one syscall per frame. Node's
 * `http` corks its sockets the same way; the frames and their order on the
 * wire are unchanged, only how many reach the kernel per call.
 */
import type { Socket } from "node:net";
import WebSocket from "ws";

/** Uncorks a socket corked by {@link CorkingWebSocket.send} (a named function: no closure per send). */
function uncork(socket: Socket): void {
  socket.uncork();
}

/** `ws`'s WebSocket, corking its TCP socket until the current tick ends. */
export class CorkingWebSocket extends WebSocket {
  override send(data: Parameters<WebSocket["send"]>[0], ...rest: unknown[]): void {
    // `_socket` is ws's own TCP socket (not in its types); absent before open, when ws throws anyway.
    const socket = (this as unknown as { _socket?: Socket })._socket;
    if (socket !== undefined && socket.writableCorked === 0 && this.readyState === WebSocket.OPEN) {
      socket.cork();
      process.nextTick(uncork, socket);
    }
    (super.send as (data: unknown, ...rest: unknown[]) => void)(data, ...rest);
  }
}
