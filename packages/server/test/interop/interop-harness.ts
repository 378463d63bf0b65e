import { io as connect, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from "socket.io-client";
import * as msgpackParser from "socket.io-msgpack-parser";
import { createServer } from "../../src/index.js";
import type { Server } from "../../src/server.js";
import type { ServerOptions } from "../../src/server-options.js";

/** How the official client connects: its transports and its parser. */
export interface Variant {
  readonly name: string;
  readonly transports: ("polling" | "websocket")[];
  readonly parser: "msgpack" | "text";
  /** The transport the session ends up on. */
  readonly finalTransport: "polling" | "websocket";
}

const TRANSPORTS = [
  { name: "websocket", transports: ["websocket"], finalTransport: "websocket" },
  { name: "polling", transports: ["polling"], finalTransport: "polling" },
  { name: "polling→upgrade", transports: ["polling", "websocket"], finalTransport: "websocket" },
] as const;

/** Every (transport × parser) combination the suite runs for. */
export const VARIANTS: Variant[] = TRANSPORTS.flatMap((t) =>
  (["msgpack", "text"] as const).map((parser) => ({
    name: `${t.name} × ${parser}`,
    transports: [...t.transports],
    parser,
    finalTransport: t.finalTransport,
  })),
);

/**
 * A Cometa server on 127.0.0.1:0 plus official socket.io-client sockets
 * configured for one variant. `dispose()` closes everything (call it in afterEach).
 */
export class InteropHarness {
  // biome-ignore lint/suspicious/noExplicitAny: the suite uses the untyped server
  io!: Server<any, any, any, any>;
  url = "";
  private readonly clients: ClientSocket[] = [];

  constructor(readonly variant: Variant) {}

  /** Start the server; its codec matches the variant's parser unless `options.codec` says otherwise. */
  async start(options: ServerOptions = {}): Promise<this> {
    this.io = createServer({ codec: this.variant.parser, pingInterval: 2000, pingTimeout: 2000, ...options });
    const { port } = await this.io.listen(0, "127.0.0.1");
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  /** A client socket for namespace `nsp` (not yet connected unless `autoConnect`). New manager per call unless `forceNew: false`. */
  client(nsp = "/", options: Partial<ManagerOptions & SocketOptions> = {}): ClientSocket {
    const socket = connect(`${this.url}${nsp}`, {
      transports: this.variant.transports,
      reconnection: false,
      forceNew: true,
      ...(this.variant.parser === "msgpack" ? { parser: msgpackParser } : {}),
      ...options,
    });
    this.clients.push(socket);
    return socket;
  }

  /** A connected client; rejects with the connect_error. */
  async connected(nsp = "/", options: Partial<ManagerOptions & SocketOptions> = {}): Promise<ClientSocket> {
    const socket = this.client(nsp, options);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    return socket;
  }

  /** Close every client and the server. */
  async dispose(): Promise<void> {
    for (const socket of this.clients.splice(0)) {
      socket.io.reconnection(false);
      socket.disconnect();
      socket.io.engine?.close();
    }
    await this.io?.close();
  }
}

/** Resolve with the arguments of the next `event` on `emitter`. */
export function once<T extends unknown[] = unknown[]>(
  emitter: { once(event: string, listener: (...args: never[]) => void): unknown },
  event: string,
): Promise<T> {
  return new Promise((resolve) => emitter.once(event, ((...args: T) => resolve(args)) as never));
}

/**
 * Collect the `event`s a client receives until a `sentinel` event arrives:
 * per-connection ordering means anything sent before the sentinel has arrived
 * by then, so "not received" is checked without sleeping.
 */
export function collectUntil(socket: ClientSocket, event: string, sentinel = "sentinel"): Promise<unknown[][]> {
  const got: unknown[][] = [];
  const listener = (...args: unknown[]) => got.push(args);
  socket.on(event, listener);
  return new Promise((resolve) =>
    socket.once(sentinel, () => {
      socket.off(event, listener);
      resolve(got);
    }),
  );
}
