import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type ServerOptions } from "socket.io";

/** A socket.io 4.8 server on an ephemeral loopback port, with an `echo` event. */
export interface OfficialServer {
  readonly origin: string;
  readonly io: Server;
  readonly http: HttpServer;
  /** WebSocket upgrade requests seen (including refused ones). */
  readonly upgrades: string[];
  close(): Promise<void>;
}

/**
 * Starts the reference server; `echo` events are sent back with the same arguments. `upgradeDelayMs` holds each
 * WebSocket upgrade request that long before the server sees it, to widen the polling → WebSocket window.
 */
export async function startOfficialServer(
  options: Partial<ServerOptions> = {},
  { upgradeDelayMs = 0 } = {},
): Promise<OfficialServer> {
  const http = createServer();
  const upgrades: string[] = [];
  const io = new Server(http, options);
  // Count upgrade requests. When the engine does not take upgrades (transports without "websocket"), drop the socket
  // as Node does with no listener: a listener that ignores it would leave the client hanging.
  const handled = http.listenerCount("upgrade") > 0;
  http.prependListener("upgrade", (req, socket) => {
    upgrades.push(req.url ?? "");
    if (!handled) socket.destroy();
  });
  io.on("connection", (socket) => {
    socket.on("echo", (...args: unknown[]) => socket.emit("echo", ...args));
  });
  if (upgradeDelayMs > 0) {
    const listeners = http.listeners("upgrade") as ((...args: unknown[]) => void)[];
    http.removeAllListeners("upgrade");
    http.on("upgrade", (...args: unknown[]) => {
      setTimeout(() => {
        for (const listener of listeners) listener.apply(http, args);
      }, upgradeDelayMs);
    });
  }
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    io,
    http,
    upgrades,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        io.close(() => resolve());
      }),
  };
}
