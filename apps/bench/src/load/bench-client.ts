/**
 * One benchmark client: a raw WebSocket speaking Engine.IO v4 (WebSocket-only) and Socket.IO v5 with
 * the msgpack wire format, exactly as BENCH.md describes. No reconnection, no buffering: a harness
 * client either works or fails the run.
 */
import WebSocket from "ws";
import { CONNECT_FRAME, decodePacket, encodeEvent, PacketType, readTickTime } from "./wire.js";

/** Called for every `tick` delivery with the payload timestamp (CLOCK_MONOTONIC ms). */
export type TickListener = (sentAtMs: number) => void;

/** Called with the ACK packet's `data` array. */
export type AckListener = (data: unknown[]) => void;

const CONNECT_TIMEOUT_MS = 15_000;

/** Builds the WebSocket-only Engine.IO URL for a server base URL such as `ws://127.0.0.1:3000`. */
export function socketUrl(base: string): string {
  return `${base.replace(/\/$/, "")}/socket.io/?EIO=4&transport=websocket`;
}

/** A Socket.IO client reduced to what the benchmark protocol needs. */
export class BenchClient {
  /** Resolves once the Socket.IO CONNECT reply for `/` arrived; rejects on any failure before that. */
  readonly connected: Promise<void>;
  /** Resolves when the WebSocket is closed, for whatever reason. */
  readonly closed: Promise<void>;
  /** Set by subscribers: every binary frame carrying a payload timestamp is a `tick`. */
  onTick: TickListener | undefined;

  private readonly ws: WebSocket;
  private readonly acks = new Map<number, AckListener>();
  private nextAckId = 0;
  private isConnected = false;
  private settle: ((error?: Error) => void) | undefined;

  /** Opens the WebSocket immediately; await `connected`. */
  constructor(baseUrl: string) {
    this.ws = new WebSocket(socketUrl(baseUrl), {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      handshakeTimeout: CONNECT_TIMEOUT_MS,
    });
    this.connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error("connect timeout")), CONNECT_TIMEOUT_MS);
      this.settle = (error) => {
        clearTimeout(timer);
        this.settle = undefined;
        if (error) reject(error);
        else resolve();
      };
    });
    this.closed = new Promise<void>((resolve) => this.ws.once("close", () => resolve()));
    this.ws.on("message", (data, isBinary) => this.wsOnMessage(data as Buffer, isBinary));
    this.ws.once("error", (error) => this.fail(error));
    this.ws.once("close", (code) => this.fail(new Error(`closed before connect (code ${code})`)));
  }

  /** Emits `event` with `args`; when `onAck` is given an ack id is attached and it gets the reply. */
  emit(event: string, args: readonly unknown[], onAck?: AckListener): void {
    if (onAck === undefined) {
      this.ws.send(encodeEvent([event, ...args]));
      return;
    }
    const id = this.nextAckId++;
    this.acks.set(id, onAck);
    this.ws.send(encodeEvent([event, ...args], id));
  }

  /** Emits `event` and resolves with the ack's `data` array (setup path only: allocates a promise). */
  request(event: string, ...args: unknown[]): Promise<unknown[]> {
    return new Promise((resolve) => this.emit(event, args, resolve));
  }

  /** Closes gracefully (WebSocket close handshake). */
  close(): void {
    this.ws.close();
  }

  /** Drops the TCP connection without a close handshake (fast teardown of many clients). */
  terminate(): void {
    this.ws.terminate();
  }

  private fail(error: Error): void {
    if (this.settle) this.settle(error);
    if (!this.isConnected) this.ws.terminate();
  }

  private wsOnMessage(data: Buffer, isBinary: boolean): void {
    if (!isBinary) {
      this.onEngineText(data.toString("latin1"));
      return;
    }
    if (this.onTick !== undefined) {
      const sentAt = readTickTime(data);
      if (!Number.isNaN(sentAt)) {
        this.onTick(sentAt);
        return;
      }
    }
    const packet = decodePacket(data);
    switch (packet.type) {
      case PacketType.CONNECT:
        this.isConnected = true;
        this.settle?.();
        return;
      case PacketType.CONNECT_ERROR:
        this.fail(new Error(`CONNECT_ERROR ${JSON.stringify(packet.data)}`));
        return;
      case PacketType.ACK: {
        const listener = packet.id === undefined ? undefined : this.acks.get(packet.id);
        if (listener === undefined) return;
        this.acks.delete(packet.id!);
        listener(packet.data as unknown[]);
        return;
      }
      default:
      // EVENTs other than ticks and DISCONNECTs are not part of the protocol; ignore them.
    }
  }

  private onEngineText(text: string): void {
    switch (text.charCodeAt(0)) {
      case 0x30: // "0" open packet: the Engine.IO session exists, now join namespace "/"
        this.ws.send(CONNECT_FRAME);
        return;
      case 0x32: // "2" ping: answer pong
        this.ws.send("3");
        return;
      case 0x31: // "1" close
        this.ws.close();
        return;
      default:
      // "6" noop and anything else carries nothing for us
    }
  }
}
