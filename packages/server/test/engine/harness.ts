import { connect, type Socket } from "node:net";
import type { EngineCloseReason, Frame } from "@cometa/protocol";
import { expect } from "vitest";
import WebSocket from "ws";
import type { Engine } from "../../src/engine/engine.js";
import type { EngineConnection } from "../../src/engine/engine-connection.js";
import { type EngineOptions, resolveEngineOptions } from "../../src/engine/engine-options.js";
import type { EngineSession } from "../../src/engine/session.js";
import { attachEngine, createUwsApp, type ListenHandle, listen, type UwsApp } from "../../src/uws/index.js";

/** A closed session as the test saw it. */
export interface ClosedSession {
  readonly id: string;
  readonly reason: EngineCloseReason;
}

/**
 * An engine mounted on a fresh uWS app on 127.0.0.1, port 0, with an echo
 * handler (every message is sent back). Dispose with `close()` in afterEach.
 */
export interface EngineHarness {
  readonly app: UwsApp;
  readonly engine: Engine;
  readonly port: number;
  readonly listener: ListenHandle;
  /** Connections in open order. */
  readonly connections: EngineConnection[];
  /** Closes in order. */
  readonly closes: ClosedSession[];
  /** `http://127.0.0.1:<port>/socket.io/?<query>` */
  url(query: string): string;
  /** `ws://…` form of `url`. */
  wsUrl(query: string): string;
  /** Resolves with the next close reported by the engine. */
  nextClose(): Promise<ClosedSession>;
  /** Resolves with the next connection. */
  nextConnection(): Promise<EngineConnection>;
  close(): Promise<void>;
}

/** Options of `startEngine`: engine options plus test hooks. */
export interface HarnessOptions extends EngineOptions {
  /** Runs after the echo handler is installed (may replace it). */
  readonly onConnection?: (conn: EngineConnection) => void;
  /** Port to listen on. Default 0 (any free port). */
  readonly listenPort?: number;
}

/** Start an engine on a fresh app (see `EngineHarness`). */
export async function startEngine(options: HarnessOptions = {}): Promise<EngineHarness> {
  const app = createUwsApp();
  const engine = attachEngine(app, resolveEngineOptions(options));
  const connections: EngineConnection[] = [];
  const closes: ClosedSession[] = [];
  const closeWaiters: ((c: ClosedSession) => void)[] = [];
  const connWaiters: ((c: EngineConnection) => void)[] = [];
  engine.onConnection = (conn) => {
    connections.push(conn);
    conn.onMessage = (frame: Frame) => conn.send([frame]);
    conn.onClose = (reason) => {
      const closed = { id: conn.id, reason };
      const waiter = closeWaiters.shift();
      if (waiter) waiter(closed);
      else closes.push(closed);
    };
    options.onConnection?.(conn);
    connWaiters.shift()?.(conn);
  };
  const listener = await listen(app, options.listenPort ?? 0, "127.0.0.1");
  const base = `127.0.0.1:${listener.port}${engine.options.path}`;
  return {
    app,
    engine,
    port: listener.port,
    listener,
    connections,
    closes,
    url: (query) => `http://${base}?${query}`,
    wsUrl: (query) => `ws://${base}?${query}`,
    nextClose: () => {
      const queued = closes.shift();
      return queued ? Promise.resolve(queued) : new Promise((resolve) => closeWaiters.push(resolve));
    },
    nextConnection: () => new Promise((resolve) => connWaiters.push(resolve)),
    close: async () => {
      await engine.close();
      listener.close();
    },
  };
}

/** Polling handshake: the sid and the parsed open packet. */
export async function pollingHandshake(h: EngineHarness, extra = "", init?: RequestInit) {
  const res = await fetch(h.url(`EIO=4&transport=polling${extra}`), init);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`handshake failed: ${res.status} ${body}`);
  const open = JSON.parse(body.slice(1).split("\x1e")[0]!) as { sid: string; upgrades: string[]; maxPayload: number };
  return { sid: open.sid, open, body, res };
}

/** Resolves once `conn` has a parked GET (so a send now answers it). */
export async function parked(conn: EngineConnection): Promise<void> {
  await expect.poll(() => (conn as EngineSession).polling?.get != null).toBe(true);
}

/** `?EIO=4&transport=polling&sid=…` for an existing session. */
export function pollQuery(sid: string): string {
  return `EIO=4&transport=polling&sid=${sid}`;
}

/** A `ws` client with an awaitable message queue. */
export interface TestSocket {
  readonly ws: WebSocket;
  /** Next message: text as string, binary as Buffer. */
  next(): Promise<string | Buffer>;
  /** Resolves on close with the code and reason the client saw. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** Open a WebSocket and wait for the 101 (frames sent earlier are ignored by uWS). */
export async function openSocket(url: string, options?: WebSocket.ClientOptions): Promise<TestSocket> {
  const ws = new WebSocket(url, options);
  const queue: (string | Buffer)[] = [];
  const waiters: ((m: string | Buffer) => void)[] = [];
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    const message = isBinary ? data : data.toString("utf8");
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.on("error", () => {});
  return {
    ws,
    next: () => {
      const queued = queue.shift();
      return queued !== undefined ? Promise.resolve(queued) : new Promise((resolve) => waiters.push(resolve));
    },
    closed,
  };
}

/** A WebSocket-only session: the socket and its open packet. */
export async function wsHandshake(h: EngineHarness, extra = "") {
  const socket = await openSocket(h.wsUrl(`EIO=4&transport=websocket${extra}`));
  const first = (await socket.next()) as string;
  const open = JSON.parse(first.slice(1)) as { sid: string; upgrades: string[]; maxPayload: number };
  return { socket, open, sid: open.sid };
}

/** Send raw bytes on a fresh TCP connection and collect everything until the server closes or `ms` pass. */
export function rawRequest(port: number, raw: string | Buffer, ms = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, "127.0.0.1", () => socket.write(raw));
    let data = "";
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
      // Stop at the end of one complete response (the server may keep the connection alive).
      const headEnd = data.indexOf("\r\n\r\n");
      const length = /content-length: *(\d+)/i.exec(data.slice(0, headEnd));
      if (headEnd !== -1 && length && data.length >= headEnd + 4 + Number(length[1])) socket.destroy();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

/** A raw WebSocket upgrade request for `path?query` with `headers` (CRLF-joined). */
export function upgradeRequest(pathAndQuery: string, headers: Record<string, string>): string {
  const lines = [`GET ${pathAndQuery} HTTP/1.1`, "Host: 127.0.0.1"];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** Headers of a valid RFC 6455 upgrade. */
export const UPGRADE_HEADERS: Readonly<Record<string, string>> = {
  Upgrade: "websocket",
  Connection: "Upgrade",
  "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
  "Sec-WebSocket-Version": "13",
};
