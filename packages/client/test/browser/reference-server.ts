import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type ServerOptions } from "socket.io";
import * as msgpackParser from "socket.io-msgpack-parser";

/** The official socket.io 4.8 server, speaking MessagePack (our client's default codec). */
export interface ReferenceServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly port: number;
  readonly io: Server;
  /** WebSocket upgrade requests that reached this server. */
  readonly upgrades: number;
  /** Stop listening and cut every connection without a DISCONNECT (a crash, as the client sees it). */
  close(): Promise<void>;
}

/** Options of {@link startReferenceServer}. */
export interface ReferenceServerOptions {
  /** The page's origin, allowed by CORS (polling from the page is cross-origin). */
  readonly pageOrigin: string;
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  /** Extra socket.io options (transports, heartbeat). */
  readonly options?: Partial<ServerOptions>;
}

/**
 * Start socket.io 4.8.4 with `socket.io-msgpack-parser` on loopback, with CORS
 * for the test page and short heartbeats.
 *
 * @example
 * ```ts
 * const server = await startReferenceServer({ pageOrigin: pages.origin });
 * server.io.on("connection", (socket) => socket.on("echo", (x, ack) => ack(x)));
 * ```
 */
export async function startReferenceServer(config: ReferenceServerOptions): Promise<ReferenceServer> {
  const http = createServer();
  const io = new Server(http, {
    parser: msgpackParser,
    cors: { origin: config.pageOrigin },
    pingInterval: 1000,
    pingTimeout: 1000,
    ...config.options,
  });
  let upgrades = 0;
  // Without WebSocket in `transports` engine.io registers no upgrade listener and Node drops such requests; a
  // listener of ours would keep them hanging, so count only when the server takes upgrades.
  if (http.listenerCount("upgrade") > 0) {
    http.prependListener("upgrade", () => {
      upgrades += 1;
    });
  }
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    io,
    get upgrades() {
      return upgrades;
    },
    async close() {
      // io.close() without disconnectSockets(): a DISCONNECT would be a deliberate kick, after which clients do not
      // reconnect; a crash or restart must look like a lost connection.
      const closed = new Promise<void>((resolve) => io.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
}
