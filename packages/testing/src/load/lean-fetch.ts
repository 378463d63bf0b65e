/**
 * A `fetch` for the polling load clients, built on `node:http` with one
 * keep-alive `Agent` per fleet process. It implements only what
 * `@cometa/client`'s polling transport uses (GET/POST, string body, headers,
 * `signal` abort, `status`, `ok`, `headers.get`, `text()`, `arrayBuffer()`).
 *
 * Why not the global `fetch`: a profile of 1 000 polling clients in one
 * process spent 24 % of its CPU in undici's `Pool` picking a connection (a
 * walk over every pooled connection on each request), 15 % in GC and more in
 * web streams and abort-signal plumbing, and saturated near 6 000 requests/s.
 * The client stays the real `@cometa/client` speaking the real protocol; only
 * its HTTP stack is swapped, through its public `fetch` option.
 */
import { Agent, type ClientRequest, type IncomingHttpHeaders, request } from "node:http";

/** The request options the client passes (a subset of `RequestInit`). */
export interface LeanRequestInit {
  readonly method?: string;
  readonly body?: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: unknown;
}

/** The subset of `AbortSignal` used here. */
interface SignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** A fetch `Response`, as much of it as the client reads. */
export class LeanResponse {
  /** The response headers, read like `Headers`. */
  readonly headers: { get(name: string): string | null };

  constructor(
    readonly status: number,
    raw: IncomingHttpHeaders,
    private readonly body: Promise<Buffer>,
  ) {
    this.headers = {
      get: (name) => {
        const value = raw[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    };
  }

  /** Whether the status is 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The body as UTF-8 text. */
  async text(): Promise<string> {
    return (await this.body).toString("utf8");
  }

  /** The body's bytes. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.body;
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

/** Where an `http://` URL points: parsed once per origin (a `URL` per request showed in the profile). */
interface Target {
  readonly hostname: string;
  readonly port: string;
  readonly path: string;
}

const origins = new Map<string, { readonly hostname: string; readonly port: string }>();

function targetOf(url: string): Target {
  if (!url.startsWith("http://")) throw new TypeError(`lean fetch takes http://host[:port]/path URLs, not ${url}`);
  const found = url.indexOf("/", "http://".length);
  const slash = found === -1 ? url.length : found;
  const origin = url.slice(0, slash);
  let parsed = origins.get(origin);
  if (parsed === undefined) {
    const { hostname, port } = new URL(origin);
    parsed = { hostname, port: port === "" ? "80" : port };
    origins.set(origin, parsed);
  }
  return { ...parsed, path: found === -1 ? "/" : url.slice(slash) };
}

/**
 * Requests in flight per abort signal. The client shares one signal between
 * all requests of a transport: one listener per signal (added on first use)
 * aborts them all, instead of an add/remove per request.
 */
const inFlight = new WeakMap<SignalLike, Set<ClientRequest>>();

/** Tracks `req` under `signal`; returns the untrack function. */
function track(signal: SignalLike, req: ClientRequest): () => void {
  let requests = inFlight.get(signal);
  if (requests === undefined) {
    const live = new Set<ClientRequest>();
    inFlight.set(signal, live);
    signal.addEventListener("abort", () => {
      for (const pending of live) pending.destroy(abortError());
      live.clear();
    });
    requests = live;
  }
  const set = requests;
  set.add(req);
  return () => {
    set.delete(req);
  };
}

/** A `fetch` over `node:http`, and the agent whose sockets it uses. */
export interface LeanFetch {
  (url: string, init?: LeanRequestInit): Promise<LeanResponse>;
  /** The keep-alive agent (one socket per in-flight request, kept while idle). */
  readonly agent: Agent;
}

/** The error a `fetch` rejects with once its signal aborts. */
function abortError(): Error {
  const error = new Error("This operation was aborted");
  error.name = "AbortError";
  return error;
}

/**
 * Creates a lean fetch. Its agent keeps every idle socket (a polling client
 * has one GET and one POST in flight at most, so the pool grows to about two
 * sockets per client and no further); `close()` them with `agent.destroy()`.
 *
 * @example
 * ```ts
 * const fetch = createLeanFetch();
 * const socket = connect(url, { transports: ["polling"], fetch });
 * // … later, once every client is closed:
 * fetch.agent.destroy();
 * ```
 */
export function createLeanFetch(): LeanFetch {
  // maxFreeSockets: Node's default (256) would close and reopen connections once more than 256 clients idle at once.
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: Number.POSITIVE_INFINITY });
  const leanFetch = (url: string, init: LeanRequestInit = {}): Promise<LeanResponse> =>
    new Promise((resolve, reject) => {
      const signal = init.signal as SignalLike | undefined;
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      const { body } = init;
      const headers: Record<string, string | number> = { ...init.headers };
      if (body !== undefined) {
        // As fetch labels a string body; Engine.IO reads the payload as text either way.
        headers["content-type"] ??= typeof body === "string" ? "text/plain;charset=UTF-8" : "application/octet-stream";
        headers["content-length"] = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
      }
      const req = request({ ...targetOf(url), method: init.method ?? "GET", headers, agent });
      const done = signal === undefined ? () => {} : track(signal, req);
      req.once("error", (error) => {
        done();
        reject(error);
      });
      req.once("response", (res) => {
        const content = new Promise<Buffer>((resolveBody, rejectBody) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.once("end", () => {
            done();
            resolveBody(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
          });
          res.once("error", (error) => {
            done();
            rejectBody(error);
          });
          // destroy() after the headers arrived (an abort, a reset) closes the body without "end".
          res.once("close", () => {
            done();
            if (!res.complete) rejectBody(abortError());
          });
        });
        content.catch(() => {}); // read by text(); a body nobody reads must not become an unhandled rejection
        resolve(new LeanResponse(res.statusCode ?? 0, res.headers, content));
      });
      req.end(body);
    });
  return Object.assign(leanFetch, { agent });
}
