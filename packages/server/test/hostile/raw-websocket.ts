import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { httpRequest, UPGRADE } from "./raw-http.js";

/** One frame as the server sent it. */
export interface ServerFrame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
}

/** How the connection ended: the server's close frame (code, reason) if it sent one. */
export interface RawClose {
  /** Close code from the server's close frame; null when it sent none (abrupt TCP close), 1005 for an empty one. */
  readonly code: number | null;
  readonly reason: string;
}

/** A frame to send, field by field (defaults: FIN, no RSV bits, masked). */
export interface FrameSpec {
  readonly opcode: number;
  readonly payload?: Buffer | string;
  readonly fin?: boolean;
  /** RSV1..3 as bits 0b100, 0b010, 0b001. */
  readonly rsv?: number;
  readonly mask?: boolean;
  /** Declared payload length instead of the real one (lying headers). */
  readonly declaredLength?: bigint;
  /** Mask key (4 bytes) instead of a random one. */
  readonly maskKey?: Buffer;
}

/**
 * A WebSocket client that writes frames byte by byte (RFC 6455 §5.2), for
 * inputs no real client sends: bad RSV bits and opcodes, unmasked frames,
 * lying lengths. It waits for the 101 before any frame (uWS ignores frames
 * sent together with the upgrade request, RELIABILITY §2.3), answers
 * Engine.IO pings so the session stays up, and records what the server sent.
 */
export class RawWebSocket {
  /** Text frames received (Engine.IO packets), in order. */
  readonly texts: string[] = [];
  /** Every frame received, in order. */
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<RawClose>;
  /** Answer Engine.IO pings (`2` → `3`). Turn off to let the heartbeat expire. */
  answerPings = true;
  private buffer: Buffer = Buffer.alloc(0);
  private closeFrame: RawClose | null = null;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => {
      socket.on("close", () => resolve(this.closeFrame ?? { code: null, reason: "" }));
    });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => {});
  }

  /**
   * Open `path?query` (default: an Engine.IO WebSocket handshake) and wait
   * for the 101. Rejects with the server's answer when it is not a 101.
   */
  static open(port: number, target = "/socket.io/?EIO=4&transport=websocket", headers: Record<string, string> = {}): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.write(httpRequest("GET", target, { ...UPGRADE, ...headers })));
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end === -1) return;
        socket.off("data", onData);
        const text = head.subarray(0, end).toString("latin1");
        if (!text.startsWith("HTTP/1.1 101")) {
          socket.destroy();
          reject(new Error(`no 101: ${text.split("\r\n")[0]}`));
          return;
        }
        const ws = new RawWebSocket(socket);
        ws.headers = text;
        const rest = head.subarray(end + 4);
        if (rest.length > 0) ws.onData(rest);
        resolve(ws);
      };
      socket.on("data", onData);
      socket.once("error", reject);
      socket.once("close", () => reject(new Error("closed before 101")));
    });
  }

  /** The 101 response head. */
  headers = "";

  /** Send one frame built from `spec`. */
  sendFrame(spec: FrameSpec): void {
    this.write(encodeFrame(spec));
  }

  /** Send raw bytes. */
  write(bytes: Buffer | Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Resolves once a text frame satisfying `match` arrived (or rejects when the connection closes first). */
  async waitText(match: (text: string) => boolean): Promise<string> {
    const frame = await this.waitFrame((f) => f.opcode === 0x1 && match(f.payload.toString("utf8")));
    return frame.payload.toString("utf8");
  }

  /** Resolves once a frame satisfying `match` arrived (or rejects when the connection closes first). */
  async waitFrame(match: (frame: ServerFrame) => boolean): Promise<ServerFrame> {
    for (;;) {
      const found = this.frames.find(match);
      if (found !== undefined) return found;
      if (this.socket.destroyed) throw new Error("closed while waiting");
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        this.socket.once("close", resolve);
      });
    }
  }

  /** Close the TCP connection. */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const frame = decodeFrame(this.buffer);
      if (frame === null) return;
      this.buffer = this.buffer.subarray(frame.size);
      this.onFrame(frame.frame);
    }
  }

  private onFrame(frame: ServerFrame): void {
    this.frames.push(frame);
    for (const wake of this.waiters.splice(0)) wake();
    if (frame.opcode === 0x8) {
      const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
      this.closeFrame = { code, reason: frame.payload.subarray(2).toString("utf8") };
      return;
    }
    if (frame.opcode === 0x1) {
      const text = frame.payload.toString("utf8");
      // Keep the Engine.IO session alive: answer server pings.
      if (text === "2" && this.answerPings) this.sendFrame({ opcode: 0x1, payload: "3" });
      this.texts.push(text);
    }
  }
}

/** Encode a client frame (RFC 6455 §5.2), honouring every field of `spec` even when invalid. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === "string" ? Buffer.from(spec.payload, "utf8") : (spec.payload ?? Buffer.alloc(0));
  const mask = spec.mask ?? true;
  const length = spec.declaredLength ?? BigInt(payload.length);
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f);
  let header: Buffer;
  if (length < 126n) {
    header = Buffer.from([first, (mask ? 0x80 : 0) | Number(length)]);
  } else if (length < 65536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = spec.maskKey ?? randomBytes(4);
  const masked = Buffer.from(payload);
  for (let i = 0; i < masked.length; i++) masked[i]! ^= key[i & 3]!;
  return Buffer.concat([header, key, masked]);
}

function decodeFrame(buffer: Buffer): { frame: ServerFrame; size: number } | null {
  if (buffer.length < 2) return null;
  const fin = (buffer[0]! & 0x80) !== 0;
  const opcode = buffer[0]! & 0x0f;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (buffer.length < offset + length) return null;
  return { frame: { fin, opcode, payload: buffer.subarray(offset, offset + length) }, size: offset + length };
}
