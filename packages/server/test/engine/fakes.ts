import type { Clock, TimerHandle } from "../../src/engine/clock.js";
import { Engine } from "../../src/engine/engine.js";
import type { EngineConnection } from "../../src/engine/engine-connection.js";
import { type EngineOptions, resolveEngineOptions } from "../../src/engine/engine-options.js";
import type {
  EnginePlatform,
  EngineRequest,
  HeaderPair,
  HttpExchange,
  WsDriver,
  WsHandle,
  WsSendResult,
} from "../../src/engine/platform.js";
import { parseQuery } from "../../src/engine/request-fields.js";

/** A clock that only moves when told to; timers fire in due order. */
export class FakeClock implements Clock {
  private time = 0;
  private seq = 0;
  private readonly timers = new Map<number, { due: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { due: this.time + ms, fn: callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Number of pending timers. */
  get pending(): number {
    return this.timers.size;
  }

  /** Move time forward by `ms`, firing every timer that comes due (including ones they schedule). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let nextId = -1;
      let nextDue = Number.POSITIVE_INFINITY;
      for (const [id, t] of this.timers) {
        if (t.due <= end && t.due < nextDue) {
          nextDue = t.due;
          nextId = id;
        }
      }
      if (nextId === -1) break;
      const timer = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.time = Math.max(this.time, timer.due);
      timer.fn();
    }
    this.time = end;
  }
}

/** An HTTP exchange that records its response. */
export class FakeExchange implements HttpExchange {
  done = false;
  onAbort: (() => void) | null = null;
  status = "";
  headers: readonly HeaderPair[] = [];
  body = "";
  /** Body the next `readBody` delivers (null = oversized). */
  constructor(private readonly requestBody: string | null = "") {}

  end(status: string, headers: readonly HeaderPair[], body: string): void {
    if (this.done) throw new Error("response sent twice");
    this.done = true;
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  readBody(_limit: number, onBody: (body: string | null) => void): void {
    if (this.requestBody === null) this.end("413 Payload Too Large", [], "");
    onBody(this.requestBody);
  }

  /** The peer goes away. */
  abort(): void {
    this.done = true;
    this.onAbort?.();
  }

  header(name: string): string | undefined {
    return this.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
  }
}

/** A WebSocket (a handle for `fakeWsDriver`) that records frames. */
export class FakeWsPort {
  readonly sent: (string | Uint8Array)[] = [];
  readonly topics = new Set<string>();
  closed: { code: number; reason: string } | null = null;
  buffered = 0;
  /** Called by `close`: the engine's close handler, as the platform would. */
  onClosed: (() => void) | null = null;

  send(data: string | Uint8Array): WsSendResult {
    if (this.closed) return "dropped";
    this.sent.push(data);
    return this.buffered > 0 ? "buffered" : "ok";
  }

  sendMany(frames: readonly (string | Uint8Array)[]): WsSendResult {
    for (const f of frames) this.send(f);
    return this.closed ? "dropped" : this.buffered > 0 ? "buffered" : "ok";
  }

  bufferedAmount(): number {
    return this.buffered;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = { code, reason };
    this.onClosed?.();
  }

  topic(name: string, subscribe: boolean): void {
    if (subscribe) this.topics.add(name);
    else this.topics.delete(name);
  }
}

/** The driver of `FakeWsPort` handles: each call goes to the port's own method. */
export const fakeWsDriver: WsDriver = {
  send: (ws, data) => port(ws).send(data),
  sendMany: (ws, frames) => port(ws).sendMany(frames),
  bufferedAmount: (ws) => port(ws).bufferedAmount(),
  close: (ws, code, reason) => port(ws).close(code, reason),
  topic: (ws, name, subscribe) => port(ws).topic(name, subscribe),
};

function port(ws: WsHandle): FakeWsPort {
  if (!(ws instanceof FakeWsPort)) throw new TypeError("not a FakeWsPort");
  return ws;
}

/** Records platform calls. */
export class FakePlatform implements EnginePlatform {
  readonly ws = fakeWsDriver;
  readonly published: { topic: string; data: string | Uint8Array; skip: WsHandle | null }[] = [];
  stopped = false;
  dropped = false;
  publish(topic: string, data: string | Uint8Array, _compress?: boolean, skip?: WsHandle | null): void {
    this.published.push({ topic, data, skip: skip ?? null });
  }
  stopListening(): void {
    this.stopped = true;
  }
  dropConnections(): void {
    this.dropped = true;
  }
}

/** A request to the engine path with this query (and optional method/headers). */
export function request(query: string, method = "get", headers: Record<string, string> = {}): EngineRequest {
  return { method, url: `/socket.io/?${query}`, query: parseQuery(query), headers, address: "127.0.0.1" };
}

/** The upgrade headers of a valid RFC 6455 handshake. */
export const WS_HEADERS: Record<string, string> = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
  "sec-websocket-version": "13",
};

/** An engine on fake time and a fake platform, with an echo handler and a log of closes. */
export function fakeEngine(options: EngineOptions = {}) {
  const clock = new FakeClock();
  const platform = new FakePlatform();
  const engine = new Engine(resolveEngineOptions({ ...options, clock }), platform);
  const connections: EngineConnection[] = [];
  const closes: string[] = [];
  engine.onConnection = (conn) => {
    connections.push(conn);
    conn.onMessage = (frame) => conn.send([frame]);
    conn.onClose = (reason) => closes.push(reason);
  };

  /** Polling handshake; returns the session's connection. */
  const openPolling = (extra = ""): EngineConnection => {
    const ex = new FakeExchange();
    engine.handleHttp(request(`EIO=4&transport=polling${extra}`), ex);
    if (!ex.status.startsWith("200")) throw new Error(`handshake: ${ex.status} ${ex.body}`);
    return connections[connections.length - 1]!;
  };

  /** WebSocket handshake through checkUpgrade + openSocket. */
  const openWs = (extra = ""): { conn: EngineConnection; port: FakeWsPort } => {
    const decision = engine.checkUpgrade(request(`EIO=4&transport=websocket${extra}`, "get", WS_HEADERS));
    if (decision instanceof Promise || !decision.accept) throw new Error("upgrade refused");
    const port = new FakeWsPort();
    const session = engine.openSocket(port, decision.ticket)!;
    port.onClosed = () => engine.socketClosed(session, port);
    return { conn: session, port };
  };

  /** A GET on an existing polling session. */
  const poll = (sid: string): FakeExchange => {
    const ex = new FakeExchange();
    engine.handleHttp(request(`EIO=4&transport=polling&sid=${sid}`), ex);
    return ex;
  };

  /** A POST on an existing polling session. */
  const post = (sid: string, body: string | null, headers: Record<string, string> = {}): FakeExchange => {
    const ex = new FakeExchange(body);
    engine.handleHttp(request(`EIO=4&transport=polling&sid=${sid}`, "post", headers), ex);
    return ex;
  };

  /** A WebSocket text message, as the platform delivers it. */
  const wsText = (conn: EngineConnection, port: FakeWsPort, text: string) =>
    engine.socketMessage(conn as never, port, new TextEncoder().encode(text).buffer as ArrayBuffer, false);

  return { engine, clock, platform, connections, closes, openPolling, openWs, poll, post, wsText };
}
