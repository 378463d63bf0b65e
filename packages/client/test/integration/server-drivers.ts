import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createCometaServer } from "@cometa/server";
import { Server as SocketIoServer } from "socket.io";
import * as msgpackParser from "socket.io-msgpack-parser";

/**
 * The slice of a Socket.IO-style server API the shared suite uses to script
 * the server side. The official `socket.io` Server satisfies it; a server
 * that mirrors its API (ours) can be plugged in with a few-line driver.
 */
// biome-ignore lint/suspicious/noExplicitAny: the server-side socket is scripted loosely, as in socket.io's own tests
export type ServerSocket = any;
export interface ServerLike {
  of(nsp: string): {
    use(middleware: (socket: ServerSocket, next: (err?: Error) => void) => void): unknown;
    on(event: "connection", listener: (socket: ServerSocket) => void): unknown;
    once(event: "connection", listener: (socket: ServerSocket) => void): unknown;
  };
}

/** A running server the suite talks to. */
export interface TestServer {
  readonly origin: string;
  readonly port: number;
  readonly io: ServerLike;
  /** Stop listening and drop every connection (a crash or restart, from the client's point of view). */
  close(): Promise<void>;
}

/** How to start one kind of server, and which client codec speaks its format. */
export interface ServerDriver {
  readonly name: string;
  readonly codec: "msgpack" | "text";
  /** Start on `port` (0 = any free port). */
  start(port?: number): Promise<TestServer>;
}

function officialDriver(name: string, codec: "msgpack" | "text"): ServerDriver {
  return {
    name,
    codec,
    async start(port = 0) {
      const http: HttpServer = createHttpServer();
      const io = new SocketIoServer(http, {
        ...(codec === "msgpack" ? { parser: msgpackParser } : {}),
        // Short heartbeats keep a dead connection from stalling a test.
        pingInterval: 2000,
        pingTimeout: 2000,
      });
      await new Promise<void>((resolve, reject) => {
        http.once("error", reject);
        http.listen(port, "127.0.0.1", () => resolve());
      });
      const actual = (http.address() as AddressInfo).port;
      return {
        origin: `http://127.0.0.1:${actual}`,
        port: actual,
        io: io as unknown as ServerLike,
        async close() {
          // No disconnectSockets(): that sends DISCONNECT (a deliberate kick, no reconnection); a restart must not.
          const closed = new Promise<void>((resolve) => io.close(() => resolve()));
          http.closeAllConnections();
          await closed;
        },
      };
    },
  };
}

function cometaDriver(name: string, codec: "msgpack" | "text"): ServerDriver {
  return {
    name,
    codec,
    async start(port = 0) {
      const io = createCometaServer({ codec, pingInterval: 2000, pingTimeout: 2000 });
      const { port: actual } = await io.listen(port, "127.0.0.1");
      return {
        origin: `http://127.0.0.1:${actual}`,
        port: actual,
        io: io as unknown as ServerLike,
        close: () => io.close(),
      };
    },
  };
}

/** Every server the suite runs against. */
export const drivers: ServerDriver[] = [
  officialDriver("socket.io 4.8 + msgpack parser", "msgpack"),
  officialDriver("socket.io 4.8 + default parser", "text"),
  cometaDriver("@cometa/server (msgpack)", "msgpack"),
  cometaDriver("@cometa/server (text)", "text"),
];
