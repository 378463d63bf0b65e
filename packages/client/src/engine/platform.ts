/**
 * The few platform APIs the engine touches, typed structurally. The client
 * compiles without DOM or Node types (it must run unchanged in browsers and
 * Node 20), so these interfaces describe just the members we use; the real
 * `WebSocket`, `fetch` and `ws` package all satisfy them.
 */

/** The subset of a WHATWG `WebSocket` the engine uses. */
export interface WebSocketLike {
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code?: number; readonly reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket constructor: the browser's, Node's `--experimental-websocket`
 * global, or the `ws` package. The second argument is only ever an options
 * object carrying `headers` (undici and `ws` accept it; browsers never get it).
 */
export type WebSocketConstructor = new (url: string, init?: { headers: Record<string, string> }) => WebSocketLike;

/**
 * What the `WebSocket` option accepts: any WebSocket class (the DOM's, undici's
 * or `ws`'s). Loosely typed on purpose, since their handler signatures differ
 * from one another; the engine uses it as a {@link WebSocketConstructor}.
 */
export type WebSocketOption = new (url: string, ...rest: never[]) => unknown;

/** What the `fetch` option accepts: the global `fetch` or a compatible function. */
export type FetchOption = (url: string, init: never) => Promise<unknown>;

/** The subset of a `fetch` `Response` the engine reads. */
export interface ResponseLike {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The subset of `RequestInit` the engine sets. */
export interface RequestInitLike {
  method: "GET" | "POST";
  body?: string;
  headers: Readonly<Record<string, string>>;
  credentials: "include" | "same-origin";
  signal: unknown;
}

/** A `fetch` function. */
export type FetchLike = (url: string, init: RequestInitLike) => Promise<ResponseLike>;

/** Globals that may or may not exist, depending on the runtime. */
export interface MaybeGlobals {
  readonly WebSocket?: WebSocketConstructor;
  readonly fetch?: FetchLike;
  readonly AbortController?: new () => { readonly signal: unknown; abort(): void };
  readonly localStorage?: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
  };
  readonly document?: EventSourceLike & { readonly visibilityState?: string };
  readonly addEventListener?: EventSourceLike["addEventListener"];
  readonly removeEventListener?: EventSourceLike["removeEventListener"];
}

/** Anything with DOM-style listener registration. */
export interface EventSourceLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** `globalThis`, seen through {@link MaybeGlobals}. */
export const globals = globalThis as unknown as MaybeGlobals;
