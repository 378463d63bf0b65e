import { ClientError } from "./errors.js";

/** What `connect()` reads from its URL. */
export interface ParsedUrl {
  /** `http(s)://host[:port]`; `ws(s)` URLs are mapped to `http(s)`. */
  readonly origin: string;
  /** The namespace: the URL's path, `/` when empty. */
  readonly nsp: string;
  /** The URL's query parameters. */
  readonly query: Record<string, string>;
}

/** The part of the globals we read (the client compiles without DOM or Node types). */
const globals = globalThis as unknown as {
  URL: new (url: string, base?: string) => { protocol: string; host: string; pathname: string; searchParams: Iterable<[string, string]> };
  location?: { href: string };
};

/**
 * Split a `connect()` URL into origin, namespace and query, like
 * socket.io-client: `https://example.com/admin?x=1` is namespace `/admin` on
 * `https://example.com`. A relative or missing URL is resolved against
 * `location` in browsers; elsewhere a URL without scheme gets `https://`.
 * Throws `INVALID_OPTIONS` for a URL that cannot be parsed (programmer misuse).
 *
 * @example
 * ```ts
 * parseUrl("ws://localhost:3000/chat?room=1")
 * // { origin: "http://localhost:3000", nsp: "/chat", query: { room: "1" } }
 * ```
 */
export function parseUrl(uri = ""): ParsedUrl {
  const base = globals.location?.href;
  let url: InstanceType<typeof globals.URL> | undefined;
  try {
    // No URL means the page's own origin, namespace "/".
    url = base ? new globals.URL(uri || "/", base) : new globals.URL(/^[a-z][\w+.-]*:\/\//i.test(uri) ? uri : `https://${uri.replace(/^\/\//, "")}`);
  } catch {
    // Unparsable: refused below.
  }
  if (!url || !/^(http|ws)s?:$/.test(url.protocol)) throw new ClientError("INVALID_OPTIONS", `invalid URL: ${uri}`);
  // URL drops default ports itself (":80" on http), so equal origins compare equal.
  return { origin: `${url.protocol.replace(/^ws/, "http")}//${url.host}`, nsp: url.pathname || "/", query: Object.fromEntries(url.searchParams) };
}
