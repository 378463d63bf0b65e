import { randomBytes } from "node:crypto";
import { connect as tcpConnect, type Socket } from "node:net";
import { msgpackCodec } from "@cometa/codec-msgpack";
import { PacketType } from "@cometa/protocol";
import { encodeClientFrames, Opcode } from "../fuzz/ws-frames.js";

/**
 * A raw WebSocket client that joins the root namespace (MessagePack CONNECT
 * with `auth`), then stops reading its TCP socket for good: the slow consumer
 * of F8. The kernel's buffers fill, then the server's send buffer grows until
 * the server cuts the connection.
 *
 * @example
 * ```ts
 * const reader = await StalledReader.open(port, { room: "stream", clientId: "slow" });
 * reader.stopReading();
 * await reader.closed; // the server cut it
 * ```
 */
export class StalledReader {
  /** Resolves when the server closes (or resets) the connection. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
  }

  /** Upgrade, wait for the 101 and the open packet, send CONNECT with `auth`. */
  static async open(port: number, auth: Record<string, unknown>): Promise<StalledReader> {
    const socket = tcpConnect({ host: "127.0.0.1", port });
    socket.on("error", () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.write(
      "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n" +
        `Host: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    // Frames sent in the same write as the upgrade are ignored by uWS (RELIABILITY §2.3): wait for the
    // 101 and the Engine.IO open packet behind it.
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      const onData = (chunk: Buffer): void => {
        seen += chunk.toString("latin1");
        const head = seen.indexOf("\r\n\r\n");
        if (head < 0 || seen.length <= head + 4) return;
        socket.off("data", onData);
        if (!seen.startsWith("HTTP/1.1 101")) reject(new Error(`upgrade refused: ${seen.slice(0, 40)}`));
        else resolve();
      };
      socket.on("data", onData);
    });
    const [frame] = msgpackCodec.encode({ type: PacketType.CONNECT, nsp: "/", data: auth });
    const payload = typeof frame === "string" ? new TextEncoder().encode(frame) : frame!;
    socket.write(encodeClientFrames([{ opcode: Opcode.BINARY, payload }]).wire);
    return new StalledReader(socket);
  }

  /** Stop reading for good: nothing more is taken from the kernel. */
  stopReading(): void {
    this.socket.pause();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
