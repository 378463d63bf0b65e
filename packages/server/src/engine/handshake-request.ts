import type { HandshakeRequest } from "./engine-connection.js";
import type { EngineRequest } from "./platform.js";
import { parseQuery, setOwn } from "./request-fields.js";

/**
 * The request that opened a session, kept for the session's whole life. To
 * save memory on long-lived idle connections it stores the headers packed in
 * one string and re-derives `headers` and `query` objects on first access
 * (then caches them). Same values as the `EngineRequest` it was made from.
 */
export class StoredHandshakeRequest implements HandshakeRequest {
  /** `name\nvalue\n…`: header names and values never contain a raw LF (HTTP forbids it). */
  private readonly packed: string;
  private headersCache: Readonly<Record<string, string>> | undefined = undefined;
  private queryCache: Readonly<Record<string, string>> | undefined = undefined;

  constructor(
    req: EngineRequest,
    readonly time: number,
  ) {
    const parts: string[] = [];
    for (const name in req.headers) parts.push(name, req.headers[name]!);
    // Own `__proto__` keys are skipped by for…in only if non-enumerable; setOwn makes them enumerable.
    this.packed = parts.join("\n");
    this.url = req.url;
    this.address = req.address;
  }

  readonly url: string;
  readonly address: string;

  get headers(): Readonly<Record<string, string>> {
    if (this.headersCache !== undefined) return this.headersCache;
    const headers: Record<string, string> = {};
    if (this.packed !== "") {
      const parts = this.packed.split("\n");
      for (let i = 0; i + 1 < parts.length; i += 2) setOwn(headers, parts[i]!, parts[i + 1]!);
    }
    this.headersCache = headers;
    return headers;
  }

  get query(): Readonly<Record<string, string>> {
    if (this.queryCache !== undefined) return this.queryCache;
    const mark = this.url.indexOf("?");
    this.queryCache = parseQuery(mark === -1 ? "" : this.url.slice(mark + 1));
    return this.queryCache;
  }
}
