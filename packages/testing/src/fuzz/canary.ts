import { io, type Socket } from "socket.io-client";
import * as msgpackParser from "socket.io-msgpack-parser";

/**
 * A well-behaved client that lives through the whole fuzz run: the official
 * socket.io-client with the MessagePack parser, on one transport. After each
 * batch it round-trips an ack; a slow or missing answer is a hang.
 */
export class Canary {
  private counter = 0;

  private constructor(
    private readonly socket: Socket,
    /** `websocket` or `polling`. */
    readonly transport: "websocket" | "polling",
  ) {}

  /** Connect to `port`; rejects on a connect error or after `timeoutMs`. */
  static connect(port: number, transport: "websocket" | "polling", timeoutMs = 5000): Promise<Canary> {
    const socket = io(`http://127.0.0.1:${port}`, {
      transports: [transport],
      parser: msgpackParser,
      reconnection: false,
      forceNew: true,
      timeout: timeoutMs,
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error(`canary (${transport}) did not connect within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        resolve(new Canary(socket, transport));
      });
      socket.once("connect_error", (error) => {
        clearTimeout(timer);
        socket.close();
        reject(error);
      });
    });
  }

  /** Whether the canary is still connected. */
  get connected(): boolean {
    return this.socket.connected;
  }

  /** Round-trip one ack: resolves with the latency in ms, or undefined if it failed or took longer than `timeoutMs`. */
  async roundTrip(timeoutMs: number): Promise<number | undefined> {
    if (!this.socket.connected) return undefined;
    const n = ++this.counter;
    const started = performance.now();
    try {
      const echoed: unknown = await this.socket.timeout(timeoutMs).emitWithAck("canary", n);
      return echoed === n ? performance.now() - started : undefined;
    } catch {
      return undefined;
    }
  }

  /** Disconnect. */
  close(): void {
    this.socket.close();
  }
}
