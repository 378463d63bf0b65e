import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * A round-robin TCP load balancer on 127.0.0.1 in front of several backends,
 * standing in for haproxy (not installed here): each accepted connection goes
 * to the next backend; a backend that refuses the connection is skipped, so a
 * dead or draining node sends clients to the live ones, as a balancer with
 * health checks would. WebSocket-only clients need no stickiness.
 *
 * @example
 * ```ts
 * const lb = await TcpBalancer.start([portA, portB]);
 * connect(lb.url, { transports: ["websocket"] });
 * await lb.close();
 * ```
 */
export class TcpBalancer {
  /** Connections forwarded per backend port. */
  readonly forwarded = new Map<number, number>();
  #next = 0;
  readonly #sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly backends: readonly number[],
    readonly port: number,
  ) {}

  static async start(backends: readonly number[]): Promise<TcpBalancer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const balancer = new TcpBalancer(server, backends, typeof address === "object" && address !== null ? address.port : 0);
    server.on("connection", (socket) => balancer.accept(socket));
    return balancer;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.#sockets.add(client);
    client.once("close", () => this.#sockets.delete(client));
    client.on("error", () => client.destroy());
    client.pause();
    this.route(client, 0);
  }

  private route(client: Socket, tried: number): void {
    if (tried >= this.backends.length || client.destroyed) {
      client.destroy();
      return;
    }
    const port = this.backends[this.#next++ % this.backends.length]!;
    const upstream = createConnection({ host: "127.0.0.1", port });
    this.#sockets.add(upstream);
    upstream.once("close", () => this.#sockets.delete(upstream));
    const refused = (): void => {
      upstream.destroy();
      this.route(client, tried + 1);
    };
    upstream.once("error", refused);
    upstream.once("connect", () => {
      upstream.off("error", refused);
      this.forwarded.set(port, (this.forwarded.get(port) ?? 0) + 1);
      upstream.on("error", () => client.destroy());
      // A closed side closes the other: a killed node resets its clients' connections too.
      upstream.once("close", () => client.destroy());
      client.once("close", () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }
}
