import { connect, type Socket } from "node:net";

/**
 * One raw TCP exchange with a deadline: connect, write, collect what comes
 * back until the peer closes or the deadline passes. The fuzzer's lowest
 * layer: it sends bytes no HTTP or WebSocket client library would.
 */

/** How an exchange ended. */
export type ExchangeEnd = "closed" | "reset" | "abandoned" | "refused";

/** A connected socket plus helpers to read until a condition and to finish. */
export class RawExchange {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private ended: ExchangeEnd | undefined;
  private readonly waiters: (() => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    /** Stop buffering beyond this many bytes (a fuzz client needs the head only). */
    private readonly keep: number,
  ) {
    socket.on("data", (chunk: Buffer) => {
      if (this.received < this.keep) this.chunks.push(chunk);
      this.received += chunk.length;
      this.wake();
    });
    socket.on("error", (error: NodeJS.ErrnoException) => this.markEnded(error.code === "ECONNREFUSED" ? "refused" : "reset"));
    socket.on("close", () => this.markEnded("closed"));
  }

  /** Open a connection; resolves once connected, or with the failure. */
  static open(port: number, host = "127.0.0.1", keep = 64 * 1024): Promise<RawExchange> {
    return new Promise((resolve) => {
      const socket = connect({ port, host, noDelay: true });
      const exchange = new RawExchange(socket, keep);
      socket.once("connect", () => resolve(exchange));
      socket.once("error", () => resolve(exchange));
    });
  }

  /** How the exchange ended, or undefined while open. */
  get end(): ExchangeEnd | undefined {
    return this.ended;
  }

  /** The bytes received so far (up to `keep`). */
  get data(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Write bytes unless the connection is gone. */
  write(bytes: Uint8Array): void {
    if (this.ended === undefined && !this.socket.destroyed) this.socket.write(bytes);
  }

  /** Resolve when `done(data)` holds, the connection ends, or after `ms`. Returns whether `done` held. */
  async until(done: (data: Buffer) => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (done(this.data)) return true;
      const left = deadline - Date.now();
      if (this.ended !== undefined || left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wait up to `ms` for the peer to close, then destroy. Returns how it ended. */
  async close(ms: number): Promise<ExchangeEnd> {
    await this.until(() => false, ms);
    if (this.ended === undefined) this.destroy();
    return this.ended!;
  }

  private markEnded(end: ExchangeEnd): void {
    if (this.ended === undefined) this.ended = end;
    this.wake();
  }

  /** Destroy the connection now. */
  destroy(): void {
    if (this.ended === undefined) this.ended = "abandoned";
    this.socket.destroy();
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** The status code of an HTTP response head in `data`, or undefined while incomplete. */
export function responseStatus(data: Buffer): number | undefined {
  const end = data.indexOf("\r\n");
  if (end === -1) return undefined;
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(data.subarray(0, end).toString("latin1"));
  return match === null ? 0 : Number(match[1]);
}

/** Whether `data` holds a complete HTTP response head. */
export function hasResponseHead(data: Buffer): boolean {
  return data.indexOf("\r\n\r\n") !== -1;
}
