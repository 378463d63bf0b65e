import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ConnectOptions, connect, type Socket } from "@cometa/client";
import { afterEach } from "vitest";
import { type ChatApp, type ChatAppOptions, startChatApp } from "../src/server/chat-app.js";
import { CHAT_NAMESPACE, type ClientToServer, type ServerToClient } from "../src/shared/events.js";

/** A page client typed like the browser's. */
export type ChatTestSocket = Socket<ServerToClient, ClientToServer>;

/** A running in-process chat and its base URL. */
export interface TestChat {
  readonly app: ChatApp;
  readonly url: string;
  readonly publicDir: string;
}

/** What {@link useChat} gives a test. */
export interface ChatFixture {
  /** Start the chat on port 0 with a small generated site (see {@link writeTestSite}). */
  start(options?: Partial<Omit<ChatAppOptions, "port" | "publicDir">>): Promise<TestChat>;
  /** A connected `/chat` client (its own connection) named `name`; resolves once CONNECT is accepted. */
  client(chat: TestChat, name: string, options?: ConnectOptions<"msgpack" | "text">): Promise<ChatTestSocket>;
  /** A client that is expected to be refused: resolves with the CONNECT_ERROR. */
  refused(chat: TestChat, auth: Record<string, unknown>): Promise<Error & { data?: unknown }>;
}

/**
 * Register the cleanup of a test file's chats and clients: everything a test
 * starts is closed after it, clients first.
 *
 * @example
 * ```ts
 * const chat = useChat();
 * it("acks", async () => { const app = await chat.start(); const ada = await chat.client(app, "Ada"); … });
 * ```
 */
export function useChat(): ChatFixture {
  let disposers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    const pending = disposers.reverse();
    disposers = [];
    for (const dispose of pending) await dispose();
  });

  const open = (chat: TestChat, options: ConnectOptions<"msgpack" | "text">): ChatTestSocket => {
    const socket = connect<ServerToClient, ClientToServer>(`${chat.url}${CHAT_NAMESPACE}`, {
      forceNew: true,
      transports: ["websocket"],
      reconnection: false,
      ...options,
    });
    disposers.push(() => void socket.disconnect());
    return socket;
  };

  return {
    async start(options = {}) {
      const publicDir = await writeTestSite();
      disposers.push(() => rm(publicDir, { recursive: true, force: true }));
      const app = await startChatApp({ port: 0, host: "127.0.0.1", publicDir, ...options });
      disposers.push(() => app.close());
      return { app, url: `http://127.0.0.1:${app.port}`, publicDir };
    },
    client(chat, name, options = {}) {
      const socket = open(chat, { auth: { name }, ...options });
      return new Promise((resolve, reject) => {
        socket.once("connect", () => resolve(socket));
        socket.once("connect_error", reject);
      });
    },
    refused(chat, auth) {
      const socket = open(chat, { auth });
      return new Promise((resolve, reject) => {
        socket.once("connect", () => reject(new Error("connected, but a refusal was expected")));
        socket.once("connect_error", (err) => resolve(err as Error & { data?: unknown }));
      });
    },
  };
}

/** Wait for the next `event` on a socket and resolve with its arguments. */
export function nextEvent<Ev extends keyof ServerToClient>(
  socket: ChatTestSocket,
  event: Ev,
): Promise<Parameters<ServerToClient[Ev]>> {
  return new Promise((resolve) => {
    const listener = (...args: unknown[]) => {
      socket.off(event, listener as never);
      resolve(args as Parameters<ServerToClient[Ev]>);
    };
    socket.on(event, listener as never);
  });
}

/** Collect every `event` on a socket from now on. */
export function collect<Ev extends keyof ServerToClient>(socket: ChatTestSocket, event: Ev): Parameters<ServerToClient[Ev]>[0][] {
  const seen: Parameters<ServerToClient[Ev]>[0][] = [];
  socket.on(event, ((value: Parameters<ServerToClient[Ev]>[0]) => seen.push(value)) as never);
  return seen;
}

/**
 * A built site in a temp dir, shaped like `dist/public`: an index.html, a
 * hashed script with a gzip copy, and an unhashed file.
 */
export async function writeTestSite(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cometa-chat-site-"));
  await mkdir(join(dir, "assets"));
  await writeFile(join(dir, "index.html"), TEST_PAGE);
  await writeFile(join(dir, "assets/app-ABCD2345.js"), TEST_SCRIPT);
  const { gzipSync } = await import("node:zlib");
  await writeFile(join(dir, "assets/app-ABCD2345.js.gz"), gzipSync(TEST_SCRIPT));
  await writeFile(join(dir, "robots.txt"), "User-agent: *\n");
  return dir;
}

export const TEST_PAGE = '<!doctype html><meta charset="utf-8"><title>test</title><script type="module" src="/assets/app-ABCD2345.js"></script>';
export const TEST_SCRIPT = `console.log(${JSON.stringify("x".repeat(2000))});\n`;
