/**
 * The in-page half of the browser tests. It is bundled by `client-bundle.ts`
 * with its import of the client rewritten to `/cometa.js` (the client bundle
 * itself, served beside it), so the page runs the built client exactly as an
 * application would load it. The test drives it through `page.evaluate`
 * (see `agent-driver.ts`): everything crossing that boundary is plain JSON,
 * binary values travel as {@link WireBinary}.
 */
import { type ConnectOptions, connect, type Socket } from "../../src/index.js";

/** A binary value as it crosses `page.evaluate`: what it was, and its bytes. */
export interface WireBinary {
  readonly $bin: string;
  readonly bytes: number[];
}

/** One thing the page saw, in order: lifecycle events (`connect`, `disconnect`, …) and `event:<name>` for server events. */
export interface AgentEntry {
  readonly kind: string;
  /** `performance.now()` in the page, ms. */
  readonly at: number;
  readonly args: unknown[];
}

/** Snapshot of the socket, for assertions. */
export interface AgentState {
  readonly connected: boolean;
  readonly id: string | undefined;
  readonly transport: string | undefined;
  readonly bufferedCount: number;
}

/** Binary values become {@link WireBinary}; containers are walked (shallowly copied). */
export function toWire(value: unknown, depth = 0): unknown {
  if (value instanceof ArrayBuffer) return { $bin: "ArrayBuffer", bytes: Array.from(new Uint8Array(value)) };
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { $bin: value.constructor.name, bytes: Array.from(bytes) };
  }
  if (value === null || typeof value !== "object" || depth > 16) return value;
  if (Array.isArray(value)) return value.map((item) => toWire(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v, depth + 1)]));
}

/** The inverse of {@link toWire}: `{$bin: "ArrayBuffer"}` becomes an ArrayBuffer, any other `$bin` a Uint8Array. */
export function fromWire(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || depth > 16) return value;
  if (Array.isArray(value)) return value.map((item) => fromWire(item, depth + 1));
  const wire = value as Partial<WireBinary>;
  if (typeof wire.$bin === "string" && Array.isArray(wire.bytes)) {
    const bytes = Uint8Array.from(wire.bytes);
    return wire.$bin === "ArrayBuffer" ? bytes.buffer : bytes;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v, depth + 1)]));
}

/** What the page exposes as `globalThis.cometaAgent`. */
export class PageAgent {
  readonly log: AgentEntry[] = [];
  #socket: Socket | undefined;
  readonly #waiters = new Set<() => void>();

  /** `connect(url, options)` and record every lifecycle and server event. */
  open(url: string, options: ConnectOptions<"msgpack" | "text"> = {}): void {
    const socket = connect(url, { forceNew: true, ...options });
    this.#socket = socket;
    socket.on("connect", () => this.#record("connect", [socket.io.engine?.transport]));
    socket.on("disconnect", (reason) => this.#record("disconnect", [reason]));
    socket.on("connect_error", (err) => this.#record("connect_error", [err.message, (err as { code?: string }).code]));
    socket.onAny((event, ...args) => this.#record(`event:${event}`, args.map((arg) => toWire(arg))));
    socket.io.on("reconnect_attempt", (attempt) => this.#record("reconnect_attempt", [attempt]));
    socket.io.on("reconnect", (attempt) => this.#record("reconnect", [attempt]));
    socket.io.on("transport", (name) => this.#record("transport", [name]));
  }

  /** Emit without an ack; `args` are in wire form. */
  emit(event: string, args: unknown[]): void {
    this.#require().emit(event, ...(fromWire(args) as unknown[]));
  }

  /** `timeout(ms).emitWithAck`; resolves with the ack value in wire form, or `{error, code}`. */
  async emitWithAck(event: string, args: unknown[], timeoutMs = 5000): Promise<unknown> {
    try {
      const result = await this.#require()
        .timeout(timeoutMs)
        .emitWithAck(event, ...(fromWire(args) as unknown[]));
      return toWire(result);
    } catch (err) {
      return { error: (err as Error).message, code: (err as { code?: string }).code };
    }
  }

  /** Answer server emits of `event` that carry an ack by sending their arguments back. */
  echoAcks(event: string): void {
    this.#require().on(event, (...args: unknown[]) => {
      const ack = args.pop();
      if (typeof ack === "function") ack(...args);
    });
  }

  state(): AgentState {
    const socket = this.#require();
    return {
      connected: socket.connected,
      id: socket.id,
      transport: socket.io.engine?.transport,
      bufferedCount: socket.bufferedCount,
    };
  }

  /** Entries of one kind (all entries without `kind`). */
  entries(kind?: string): AgentEntry[] {
    return kind === undefined ? this.log : this.log.filter((entry) => entry.kind === kind);
  }

  /** Resolve with the `count`-th entry of `kind` once it exists; reject with the whole log after `timeoutMs`. */
  waitFor(kind: string, count = 1, timeoutMs = 10_000): Promise<AgentEntry> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.entries(kind)[count - 1];
        if (found === undefined) return false;
        this.#waiters.delete(waiter);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const waiter = (): void => void check();
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const seen = this.log.map((entry) => `${entry.kind}${JSON.stringify(entry.args)}`).join(", ");
        reject(new Error(`no ${kind} #${count} within ${timeoutMs} ms; log: ${seen}`));
      }, timeoutMs);
      if (!check()) this.#waiters.add(waiter);
    });
  }

  /** Close the connection for good. */
  close(): void {
    this.#socket?.io.close();
  }

  #record(kind: string, args: unknown[]): void {
    this.log.push({ kind, at: performance.now(), args });
    for (const waiter of [...this.#waiters]) waiter();
  }

  #require(): Socket {
    if (this.#socket === undefined) throw new Error("call open() first");
    return this.#socket;
  }
}

(globalThis as { cometaAgent?: PageAgent }).cometaAgent = new PageAgent();
