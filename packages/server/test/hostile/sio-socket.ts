import * as msgpackParser from "socket.io-msgpack-parser";
import WebSocket from "ws";

/** A Socket.IO packet as the official msgpack parser decodes it. */
export interface SioPacket {
  readonly type: number;
  readonly nsp: string;
  readonly data?: unknown;
  readonly id?: number;
}

/** Socket.IO packet types. */
export const T = { CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4 } as const;

/** Options of `SioSocket.open`. */
export interface SioOpenOptions {
  /** Extra query parameters (`&token=…`). */
  readonly query?: string;
  /** Namespace to CONNECT to after the Engine.IO handshake; null to skip. Default "/". */
  readonly nsp?: string | null;
  /** CONNECT auth payload. */
  readonly auth?: Record<string, unknown>;
  /** Request headers (Origin, …). */
  readonly headers?: Record<string, string>;
  /** Source address (127.0.0.2, … to look like another client). */
  readonly localAddress?: string;
}

/**
 * A Socket.IO client at the packet level over a real WebSocket (the `ws`
 * package), speaking the msgpack parser's wire format: it can send any bytes
 * as a Socket.IO frame and sees every packet and the close code. Engine.IO
 * pings are answered, so only the row's own input can end the session.
 */
export class SioSocket {
  readonly packets: SioPacket[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The Engine.IO session id. */
  sid = "";
  private readonly decoder = new msgpackParser.Decoder();
  private readonly encoder = new msgpackParser.Encoder();
  private waiters: (() => void)[] = [];
  private ended = false;

  private constructor(readonly ws: WebSocket) {
    this.decoder.on("decoded", (packet: SioPacket) => {
      this.packets.push(packet);
      this.wake();
    });
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        try {
          this.decoder.add(data);
        } catch {
          // The official decoder refuses something: the row sees it as a missing packet.
        }
        return;
      }
      const text = data.toString("utf8");
      if (text === "2") ws.send("3");
      else if (text.startsWith("0")) this.sid = (JSON.parse(text.slice(1)) as { sid: string }).sid;
      this.wake();
    });
    ws.on("error", () => {});
    this.closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        this.ended = true;
        this.wake();
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  /** Open an Engine.IO WebSocket session on `port` and (unless `nsp: null`) CONNECT to a namespace. */
  static async open(port: number, options: SioOpenOptions = {}): Promise<SioSocket> {
    const url = `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket${options.query ?? ""}`;
    const ws = new WebSocket(url, { headers: options.headers, perMessageDeflate: false, localAddress: options.localAddress });
    const socket = new SioSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    await socket.until(() => socket.sid !== "");
    const nsp = options.nsp === undefined ? "/" : options.nsp;
    if (nsp !== null) {
      socket.send({ type: T.CONNECT, nsp, ...(options.auth === undefined ? {} : { data: options.auth }) });
      await socket.next((p) => p.nsp === nsp && (p.type === T.CONNECT || p.type === T.CONNECT_ERROR));
    }
    return socket;
  }

  /** Encode and send a packet with the official encoder. */
  send(packet: SioPacket): void {
    // The typings say ArrayBuffer; the encoder returns an array of buffers (one for msgpack).
    for (const frame of this.encoder.encode(packet) as unknown as Uint8Array[]) this.ws.send(frame);
  }

  /** Send bytes as one binary frame (a Socket.IO packet, for the msgpack parser). */
  sendBytes(bytes: Uint8Array): void {
    this.ws.send(bytes);
  }

  /** Emit an event with an ack id and wait for the ACK (rejects if the connection closes first). */
  async call(nsp: string, data: unknown[], id = 1 + Math.floor(Math.random() * 1e6)): Promise<unknown[]> {
    this.send({ type: T.EVENT, nsp, data, id });
    const ack = await this.next((p) => p.type === T.ACK && p.id === id && p.nsp === nsp);
    return ack.data as unknown[];
  }

  /** The first received packet matching `match` (not consumed), waiting for it; rejects when the socket closes first. */
  async next(match: (p: SioPacket) => boolean): Promise<SioPacket> {
    await this.until(() => this.packets.some(match));
    return this.packets.find(match)!;
  }

  /** Whether the socket is still open. */
  get open(): boolean {
    return !this.ended;
  }

  /** Close from the client side (idempotent). */
  close(): void {
    this.ws.terminate();
  }

  private async until(condition: () => boolean): Promise<void> {
    while (!condition()) {
      if (this.ended) throw new Error("socket closed");
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}
