import { createConnection, createServer, type Server, type Socket } from "node:net";
import { Prng } from "../fuzz/prng.js";

/** Options of {@link DelayProxy.start}. */
export interface DelayProxyOptions {
  /** Upstream port on `upstreamHost`. */
  readonly upstreamPort: number;
  /** Default 127.0.0.1. */
  readonly upstreamHost?: string;
  /** Mean one-way delay added to every chunk, each direction, ms. */
  readonly delayMs: number;
  /** Each chunk's delay is `delayMs ± jitterMs`, uniformly. Default 0. */
  readonly jitterMs?: number;
  /** Seed of the jitter (deterministic runs). Default 1. */
  readonly seed?: number;
}

/**
 * One direction of a proxied connection: chunks wait in arrival order and
 * leave at `max(due, previous departure)`, so jitter delays bytes but never
 * reorders them (a TCP stream cannot reorder; netem would, at the IP layer,
 * and TCP would put it back). One timer per direction, for the head chunk.
 */
class DelayedPipe {
  readonly #queue: { readonly due: number; readonly chunk: Buffer }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastDue = 0;

  constructor(
    private readonly to: Socket,
    private readonly delay: () => number,
  ) {}

  push(chunk: Buffer): void {
    const due = Math.max(this.#lastDue, Date.now() + this.delay());
    this.#lastDue = due;
    this.#queue.push({ due, chunk });
    if (this.#timer === undefined) this.schedule();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#queue.length = 0;
  }

  private schedule(): void {
    const head = this.#queue[0];
    if (head === undefined) {
      this.#timer = undefined;
      return;
    }
    this.#timer = setTimeout(() => this.flush(), Math.max(0, head.due - Date.now()));
  }

  private flush(): void {
    const now = Date.now();
    while (this.#queue.length > 0 && this.#queue[0]!.due <= now) {
      const { chunk } = this.#queue.shift()!;
      if (!this.to.destroyed) this.to.write(chunk);
    }
    this.schedule();
  }
}

/**
 * A userspace TCP proxy on 127.0.0.1 that adds a fixed latency with jitter
 * to every chunk, both ways (F12: this kernel has no `tc netem`, see
 * RELIABILITY.md §2.6). Order within a connection is kept; a closed side
 * closes the other.
 *
 * @example
 * ```ts
 * const proxy = await DelayProxy.start({ upstreamPort: node.port, delayMs: 100, jitterMs: 50 });
 * connect(proxy.url);
 * await proxy.close();
 * ```
 */
export class DelayProxy {
  /** Connections accepted so far. */
  accepted = 0;
  readonly #sockets = new Set<Socket>();
  readonly #pipes = new Set<DelayedPipe>();
  readonly #prng: Prng;

  private constructor(
    private readonly server: Server,
    private readonly options: DelayProxyOptions,
    readonly port: number,
  ) {
    this.#prng = new Prng(options.seed ?? 1);
  }

  static async start(options: DelayProxyOptions): Promise<DelayProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const proxy = new DelayProxy(server, options, typeof address === "object" && address !== null ? address.port : 0);
    server.on("connection", (socket) => proxy.accept(socket));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const pipe of this.#pipes) pipe.stop();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private delay(): number {
    const jitter = this.options.jitterMs ?? 0;
    return Math.max(0, this.options.delayMs + (jitter === 0 ? 0 : (this.#prng.float() * 2 - 1) * jitter));
  }

  private accept(client: Socket): void {
    this.accepted += 1;
    const upstream = createConnection({ host: this.options.upstreamHost ?? "127.0.0.1", port: this.options.upstreamPort });
    const toUpstream = new DelayedPipe(upstream, () => this.delay());
    const toClient = new DelayedPipe(client, () => this.delay());
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.setNoDelay(true);
      socket.on("error", () => socket.destroy());
      socket.once("close", () => this.#sockets.delete(socket));
    }
    this.#pipes.add(toUpstream);
    this.#pipes.add(toClient);
    client.on("data", (chunk: Buffer) => toUpstream.push(chunk));
    upstream.on("data", (chunk: Buffer) => toClient.push(chunk));
    const closeBoth = (): void => {
      toUpstream.stop();
      toClient.stop();
      this.#pipes.delete(toUpstream);
      this.#pipes.delete(toClient);
      client.destroy();
      upstream.destroy();
    };
    client.once("close", closeBoth);
    upstream.once("close", closeBoth);
  }
}
