import type { EngineCloseReason, Frame } from "@cometa/protocol";
import type {
  EngineConnection,
  EngineServer,
  HandshakeRequest,
  SendOptions,
} from "../src/engine/engine-connection.js";

/**
 * An in-memory implementation of the engine contract for fast, deterministic
 * unit tests of the Socket.IO layer. Frames the server sends are recorded per
 * connection; tests push client frames with `receive()`.
 */
export class FakeEngine implements EngineServer {
  onConnection: (connection: EngineConnection) => void = () => {};
  readonly connections = new Set<FakeConnection>();
  /** Every publish call (`from`: the sending connection of `conn.publish`), for fast-path assertions. */
  readonly published: { topic: string; frames: readonly Frame[]; options?: SendOptions; from?: string }[] = [];
  closed = false;

  get clientsCount(): number {
    return this.connections.size;
  }

  /** Open a session as if a client completed the Engine.IO handshake. */
  open(request: Partial<HandshakeRequest> = {}): FakeConnection {
    const conn = new FakeConnection(this, {
      headers: request.headers ?? { host: "localhost" },
      query: request.query ?? { EIO: "4", transport: "websocket" },
      url: request.url ?? "/socket.io/?EIO=4&transport=websocket",
      address: request.address ?? "127.0.0.1",
      time: request.time ?? 1_700_000_000_000,
    });
    this.connections.add(conn);
    this.onConnection(conn);
    return conn;
  }

  publish(topic: string, frames: readonly Frame[], options?: SendOptions): void {
    this.publishExcept(topic, frames, options, undefined);
  }

  /** @internal `EngineServer.publish`, or `EngineConnection.publish` when `sender` is given. */
  publishExcept(topic: string, frames: readonly Frame[], options: SendOptions | undefined, sender?: FakeConnection): void {
    const record: (typeof this.published)[number] = { topic, frames };
    if (options !== undefined) record.options = options;
    if (sender !== undefined) record.from = sender.id;
    this.published.push(record);
    for (const conn of this.connections) if (conn !== sender && conn.topics.has(topic)) conn.deliver(frames, options);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const conn of [...this.connections]) conn.close("server shutting down");
  }
}

/** One fake Engine.IO session. */
export class FakeConnection implements EngineConnection {
  private static nextId = 0;
  readonly id = `fake${FakeConnection.nextId++}`;
  transport: "polling" | "websocket" = "websocket";
  readonly topics = new Set<string>();
  /** Frames delivered to the client, in order. */
  readonly sent: Frame[] = [];
  /** Options of each send/publish delivery, in order. */
  readonly sendOptions: (SendOptions | undefined)[] = [];
  closed = false;
  closeReason: EngineCloseReason | undefined;
  /** When true, volatile sends are dropped (simulates a backed-up socket). */
  backedUp = false;
  /** Called after each delivery (tests hook their client decoder here). */
  onDeliver: (frames: readonly Frame[]) => void = () => {};
  onMessage: (this: EngineConnection, frame: Frame) => void = () => {};
  onClose: (this: EngineConnection, reason: EngineCloseReason, description?: string) => void = () => {};
  owner: unknown = null;

  constructor(
    private readonly engine: FakeEngine,
    readonly request: HandshakeRequest,
  ) {}

  send(frames: readonly Frame[], options?: SendOptions): boolean {
    if (this.closed) return false;
    if (options?.volatile === true && this.backedUp) return false;
    this.deliver(frames, options);
    return true;
  }

  /** @internal used by publish too. */
  deliver(frames: readonly Frame[], options?: SendOptions): void {
    if (this.closed) return;
    if (options?.volatile === true && this.backedUp) return;
    this.sent.push(...frames);
    this.sendOptions.push(options);
    this.onDeliver(frames);
  }

  close(reason: EngineCloseReason = "forced server close"): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    this.topics.clear();
    this.engine.connections.delete(this);
    this.onClose(reason);
  }

  publish(topic: string, frames: readonly Frame[], options?: SendOptions): void {
    this.engine.publishExcept(topic, frames, options, this);
  }

  subscribe(topic: string): void {
    if (!this.closed) this.topics.add(topic);
  }

  unsubscribe(topic: string): void {
    this.topics.delete(topic);
  }

  /** The client sends a frame. */
  receive(frame: Frame): void {
    if (!this.closed) this.onMessage(frame);
  }

  /** The transport goes away (client side). */
  drop(reason: EngineCloseReason = "transport close"): void {
    this.close(reason);
  }
}
