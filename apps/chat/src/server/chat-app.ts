import { CometaError } from "@cometa/protocol";
import { type AdapterFactory, createServer, type RecoveryStores } from "@cometa/server";
import type { us_listen_socket } from "uWebSockets.js";
import type { ChatSocketData, ClientToServer, InterServer, ServerToClient } from "../shared/events.js";
import { RECOVERY_WINDOW_MS } from "./chat-config.js";
import { mountChat } from "./chat-namespace.js";
import type { ChatServer } from "./chat-types.js";
import { loadUws } from "./load-uws.js";
import { serveStatic } from "./static-routes.js";
import { loadStaticSite } from "./static-site.js";

/** Options of {@link startChatApp}. */
export interface ChatAppOptions {
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Interface to bind. Default: every interface. */
  readonly host?: string;
  /** The built page (`dist/public`). */
  readonly publicDir: string;
  /** Rooms adapter, e.g. Redis to share rooms between instances. Default: in memory. */
  readonly adapter?: AdapterFactory;
  /**
   * Where connection state recovery keeps its log and sessions. Default: this
   * process's memory, which works on one instance only: with a cluster
   * `adapter`, pass shared stores (`redisRecoveryStores`), or the server refuses to start.
   */
  readonly recoveryStores?: RecoveryStores;
  /** Clock for message times and rate limits (tests). */
  readonly now?: () => number;
}

/** A running chat: its port, its Socket.IO server, and how to stop it. */
export interface ChatApp {
  readonly port: number;
  readonly io: ChatServer;
  /** Disconnect everyone ("server shutting down"), stop listening and close idle HTTP connections. */
  close(): Promise<void>;
}

/** The port is taken or the host cannot be bound. */
export class ChatListenError extends CometaError<"LISTEN_FAILED"> {
  constructor(message: string) {
    super("LISTEN_FAILED", message);
  }
}

/**
 * Start the chat: one uWS app serving the page (GET routes) and Socket.IO
 * (`io.attach(app)`) on the same port.
 *
 * @example
 * ```ts
 * const chat = await startChatApp({ port: 3000, publicDir: "dist/public" });
 * process.once("SIGTERM", () => void chat.close());
 * ```
 */
export async function startChatApp(options: ChatAppOptions): Promise<ChatApp> {
  const uws = loadUws();
  const site = await loadStaticSite(options.publicDir);
  const app = uws.App();
  // "auto": the page's client speaks MessagePack, and an official socket.io-client with its default parser works too.
  const io: ChatServer = createServer<ClientToServer, ServerToClient, InterServer, ChatSocketData>({
    codec: "auto",
    onError: reportError,
    // Recovery: a page back within the window gets every message it missed, in order, before `connect`, and each
    // message carries its offset in the room's log (read-your-writes: the sender's ack carries it too).
    connectionStateRecovery: {
      maxDisconnectionDuration: RECOVERY_WINDOW_MS,
      ...(options.recoveryStores ? { stores: options.recoveryStores } : {}),
    },
    ...(options.adapter ? { adapter: options.adapter } : {}),
  });
  mountChat(io, options.now ? { now: options.now } : {});
  // The engine's exact path (/socket.io/) outranks the static wildcard, whatever the order of registration.
  io.attach(app);
  serveStatic(app, site);

  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
    const done = (socket: us_listen_socket | false) => {
      if (socket) resolve(socket);
      else reject(new ChatListenError(`cannot listen on ${options.host ?? "*"}:${options.port} (in use?)`));
    };
    // Exclusive: without it uSockets sets SO_REUSEPORT, and a second chat on the same port would silently share it.
    const exclusive = (uws as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT: number }).LIBUS_LISTEN_EXCLUSIVE_PORT;
    const listen = app.listen as unknown as (...args: unknown[]) => void;
    if (options.host === undefined) listen.call(app, options.port, exclusive, done);
    else listen.call(app, options.host, options.port, exclusive, done);
  });

  let closing: Promise<void> | undefined;
  return {
    port: uws.us_socket_local_port(listenSocket),
    io,
    close() {
      closing ??= (async () => {
        await io.close();
        uws.us_listen_socket_close(listenSocket);
        // Browsers keep idle HTTP connections open; without this they hold the event loop (uWS.js ≥ 20.24).
        (app as unknown as { close?: () => void }).close?.();
      })();
      return closing;
    },
  };
}

/**
 * Errors from handlers and from the adapter (e.g. Redis gone) in one line
 * each when they carry a code; anything else is a bug, printed in full.
 */
function reportError(error: unknown): void {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === "string") {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    console.error(`[chat] ${code}: ${error.message}${cause}`);
  } else {
    console.error("[chat] unexpected error:", error);
  }
}
