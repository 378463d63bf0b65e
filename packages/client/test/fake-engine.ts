import type { Frame, HandshakeData, Packet } from "@cometa/protocol";
import type {
  ClientEngine,
  ClientEngineOptions,
  EngineCloseDetail,
  EngineCloseReason,
  TransportName,
} from "../src/engine/engine-contract.js";
import { jsonTestCodec } from "./json-codec.js";

const HANDSHAKE: HandshakeData = { sid: "eio-sid", upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 };

/**
 * An in-memory `ClientEngine` the test plays the server side of: it records
 * what the client sends and lets the test open, feed and close it.
 */
export class FakeEngine implements ClientEngine {
  readonly options: ClientEngineOptions;
  id: string | undefined;
  transport: TransportName | undefined;
  opened = false;
  closed = false;
  /** When false, volatile sends are refused (transport busy). */
  writable = true;
  readonly frames: Frame[] = [];
  onOpen: (handshake: HandshakeData) => void = () => {};
  onMessage: (frame: Frame) => void = () => {};
  onClose: (reason: EngineCloseReason, detail?: EngineCloseDetail) => void = () => {};
  onTransport: (name: TransportName) => void = () => {};

  constructor(options: ClientEngineOptions) {
    this.options = options;
  }

  open(): void {
    this.opened = true;
  }

  send(frames: readonly Frame[], options?: { readonly volatile?: boolean }): boolean {
    if (this.closed || this.id === undefined) return false;
    if (options?.volatile && !this.writable) return false;
    this.frames.push(...frames);
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose("io client disconnect");
  }

  // ----- the test's side -----

  /** Complete the handshake. */
  accept(): void {
    this.id = HANDSHAKE.sid;
    this.transport = "websocket";
    this.onTransport("websocket");
    this.onOpen(HANDSHAKE);
  }

  /** The server sends a packet. */
  deliver(packet: Packet): void {
    for (const frame of jsonTestCodec.encode(packet)) this.onMessage(frame);
  }

  /** The connection ends from the server's or network's side. */
  drop(reason: EngineCloseReason = "transport close", detail?: EngineCloseDetail): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(reason, detail);
  }

  /** Packets the client sent, decoded. */
  get packets(): Packet[] {
    const decoder = jsonTestCodec.createDecoder();
    return this.frames.map((f) => decoder.add(f) as Packet);
  }
}

/** An engine factory that keeps every engine it made. */
export function fakeEngines(): { engines: FakeEngine[]; create: (options: ClientEngineOptions) => FakeEngine; last: () => FakeEngine } {
  const engines: FakeEngine[] = [];
  return {
    engines,
    create(options) {
      const engine = new FakeEngine(options);
      engines.push(engine);
      return engine;
    },
    last() {
      const engine = engines[engines.length - 1];
      if (engine === undefined) throw new Error("no engine created yet");
      return engine;
    },
  };
}
