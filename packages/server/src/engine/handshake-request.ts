import type { HandshakeRequest } from "./engine-connection.js";
import type { EngineRequest } from "./platform.js";
import { parseQuery, setOwn } from "./request-fields.js";

/**
 * The request that opened a session, as a session keeps it: either one packed
 * string (`time\naddress\nurl\nname\nvalue\n…`) or, once something read it,
 * the `HandshakeRequest` object unpacked from it.
 *
 * Most sessions never look at their request again, and a long-lived idle
 * connection should cost as little as possible: one flat string is a single
 * heap object (a 16-byte header plus one byte per character), where the
 * object form costs the object, a boxed `time`, a string per field and a
 * headers dictionary. Header names and values never contain a raw LF (HTTP
 * forbids it), nor do the URL and the address, so LF separates the fields.
 */
export type KeptRequest = string | HandshakeRequest;

/**
 * Keep `req` (opened at `time`, epoch ms) for a session: packed, unless a
 * field holds an LF (impossible from an HTTP parser, but a forwarded request
 * is plain data), which gets the object form instead.
 */
export function keepRequest(req: EngineRequest, time: number): KeptRequest {
  const headers = req.headers;
  // Sized once: growing the array push by push left ~200 bytes of garbage per handshake.
  let count = 0;
  // Own `__proto__` keys are enumerable (setOwn), so for…in sees every header.
  for (const _ in headers) count++;
  const parts = new Array<string>(3 + 2 * count);
  parts[0] = String(time);
  parts[1] = req.address;
  parts[2] = req.url;
  let clean = !req.address.includes("\n") && !req.url.includes("\n");
  let at = 3;
  for (const name in headers) {
    const value = headers[name]!;
    if (value.includes("\n") || name.includes("\n") || isNameCode(name)) clean = false;
    parts[at++] = NAME_CODES.get(name) ?? name;
    parts[at++] = value;
  }
  if (!clean) return { headers: { ...headers }, query: req.query, url: req.url, address: req.address, time };
  // join() yields one flat string: no cons-string tree kept alive per session.
  return parts.join("\n");
}

/** The object form of a kept request, unpacking it on first use. */
export function unpackRequest(kept: KeptRequest): HandshakeRequest {
  return typeof kept === "string" ? new StoredHandshakeRequest(kept) : kept;
}

/**
 * Header names most requests carry, each packed as one control character
 * (`\x01` + index): names are HTTP tokens, so a one-character name below
 * `\x20` is never a real one. About 70 bytes less per WebSocket session,
 * more for browsers. `\n` (the separator) is skipped: 30 codes at most.
 */
const COMMON_NAMES: readonly string[] = [
  "host",
  "connection",
  "upgrade",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "sec-websocket-protocol",
  "user-agent",
  "origin",
  "cookie",
  "accept",
  "accept-encoding",
  "accept-language",
  "cache-control",
  "pragma",
  "referer",
  "content-type",
  "content-length",
  "authorization",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-real-ip",
  "sec-fetch-site",
  "sec-fetch-mode",
  "sec-fetch-dest",
  "sec-ch-ua",
  "sec-ch-ua-mobile",
  "sec-ch-ua-platform",
];

// Codes 1…9, then 11…30: 10 is the separator `\n`.
const NAME_CODES: ReadonlyMap<string, string> = new Map(
  COMMON_NAMES.map((name, i) => [name, String.fromCharCode(i < 9 ? i + 1 : i + 2)]),
);

function isNameCode(name: string): boolean {
  return name.length === 1 && name.charCodeAt(0) < 0x20;
}

function commonName(code: string): string {
  const c = code.charCodeAt(0);
  return COMMON_NAMES[c < 10 ? c - 1 : c - 2] ?? code;
}

/**
 * A `HandshakeRequest` unpacked from a packed string. `headers` is built at
 * once (whoever unpacks wants it); `query` on first access.
 */
export class StoredHandshakeRequest implements HandshakeRequest {
  readonly time: number;
  readonly address: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  private queryCache: Readonly<Record<string, string>> | undefined = undefined;

  constructor(packed: string) {
    const parts = packed.split("\n");
    this.time = Number(parts[0]);
    this.address = parts[1] ?? "";
    this.url = parts[2] ?? "";
    const headers: Record<string, string> = {};
    for (let i = 3; i + 1 < parts.length; i += 2) {
      const name = parts[i]!;
      setOwn(headers, isNameCode(name) ? commonName(name) : name, parts[i + 1]!);
    }
    this.headers = headers;
  }

  get query(): Readonly<Record<string, string>> {
    if (this.queryCache !== undefined) return this.queryCache;
    const mark = this.url.indexOf("?");
    this.queryCache = parseQuery(mark === -1 ? "" : this.url.slice(mark + 1));
    return this.queryCache;
  }
}
