import { createServer, type Server, Socket } from "node:net";

/**
 * A loopback TCP proxy standing for a load balancer in front of several
 * instances: clients connect to its port, it forwards to the current
 * target. `retarget()` sends new connections elsewhere (an instance died and
 * the balancer noticed); `cut()` drops the current ones.
 */
export class TcpProxy {
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  port = 0;

  constructor(private target: number) {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target, "127.0.0.1");
      for (const socket of [client, upstream]) {
        this.open.add(socket);
        socket.on("error", () => {});
        socket.on("close", () => {
          this.open.delete(socket);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** New connections go to `port`. */
  retarget(port: number): void {
    this.target = port;
  }

  /** Drop every forwarded connection. */
  cut(): void {
    for (const socket of this.open) socket.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
