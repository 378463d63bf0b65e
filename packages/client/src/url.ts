import { ClientError } from "./errors.js";

/** The part of WHATWG `URL` we use (the client compiles without DOM or Node types). */
interface UrlLike {
  readonly protocol: string;
  readonly host: string;
  readonly pathname: string;
  readonly searchParams: Iterable<[string, string]>;
}
const URLClass = (globalThis as unknown as { URL: new (url: string, base?: string) => UrlLike }).URL;

/** What `connect()` reads from its URL. */
export interface ParsedUrl {
  /** `http(s)://host[:port]`; `ws(s)` URLs are mapped to `http(s)`. */
  readonly origin: string;
  /** The namespace: the URL's path, `/` when empty. */
  readonly nsp: string;
  /** The URL's query parameters. */
  readonly query: Record<string, string>;
}

/**
 * Split a `connect()` URL into origin, namespace and query, like
 * socket.io-client: `https://example.com/admin?x=1` is namespace `/admin` on
 * `https://example.com`. A relative or missing URL is resolved against
 * `location` in browsers. Throws `INVALID_OPTIONS` for a URL that cannot be
 * parsed (programmer misuse).
 *
 * @example
 * ```ts
 * parseUrl("ws://localhost:3000/chat?room=1")
 * // { origin: "http://localhost:3000", nsp: "/chat", query: { room: "1" } }
 * ```
 */
export function parseUrl(uri: string | undefined): ParsedUrl {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let url: UrlLike;
  try {
    // No URL means the page's own origin, namespace "/".
    url = base === undefined ? new URLClass(withScheme(uri ?? "")) : new URLClass(uri ?? "/", base);
  } catch (cause) {
    throw new ClientError("INVALID_OPTIONS", `invalid URL: ${JSON.stringify(uri)}`, { cause });
  }
  const scheme = url.protocol.replace(/^ws/, "http");
  if (scheme !== "http:" && scheme !== "https:") {
    throw new ClientError("INVALID_OPTIONS", `unsupported URL scheme ${url.protocol} (use http(s) or ws(s))`);
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  // URL drops default ports itself (":80" on http), so equal origins compare equal.
  return { origin: `${scheme}//${url.host}`, nsp: url.pathname === "" ? "/" : url.pathname, query };
}

/** `localhost:3000` → `https://localhost:3000`, as socket.io-client does outside browsers. */
function withScheme(uri: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? uri : `https://${uri.replace(/^\/\//, "")}`;
}
