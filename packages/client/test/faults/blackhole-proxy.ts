import { type AddressInfo, connect, createServer, type Socket } from "node:net";

/** A TCP proxy whose link can silently stop carrying bytes. */
export interface BlackholeProxy {
  /** `http://127.0.0.1:<port>`: point the client here. */
  readonly origin: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Stop forwarding in both directions, closing nothing: no FIN, no RST, just silence. */
  blackhole(): void;
  /** Forward again, flushing whatever the kernel buffered meanwhile (like a healed route: TCP retransmits). */
  heal(): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of `upstreamPort` that can "blackhole" its
 * link (RELIABILITY.md F6): while blackholed, every connection, old and new,
 * is paused, so bytes stay in kernel buffers and neither side hears of the
 * other, not even a close. That is what a dropped route or a dead NAT looks
 * like from each end; only heartbeats can tell.
 *
 * @example
 * ```ts
 * const proxy = await startBlackholeProxy(server.port);
 * proxy.blackhole(); // the client must notice within pingInterval + pingTimeout
 * proxy.heal();
 * ```
 */
export async function startBlackholeProxy(upstreamPort: number): Promise<BlackholeProxy> {
  let blackholed = false;
  let accepted = 0;
  const sockets = new Set<Socket>();

  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    if (blackholed) socket.pause();
  };
  // Manual forwarding instead of pipe(): pipe() resumes a source on 'drain', which would undo a blackhole.
  const forward = (from: Socket, to: Socket): void => {
    from.on("data", (chunk: Buffer) => {
      if (!to.write(chunk)) {
        from.pause();
        to.once("drain", () => {
          if (!blackholed) from.resume();
        });
      }
    });
    from.on("end", () => to.end());
    from.on("close", () => to.destroy());
  };

  const server = createServer((client) => {
    accepted += 1;
    const upstream = connect(upstreamPort, "127.0.0.1");
    track(client);
    track(upstream);
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    blackhole() {
      blackholed = true;
      for (const socket of sockets) socket.pause();
    },
    heal() {
      blackholed = false;
      for (const socket of sockets) socket.resume();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
