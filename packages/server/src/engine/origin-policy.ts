import type { CorsOptions, ResolvedEngineOptions } from "./engine-options.js";
import type { HeaderPair } from "./platform.js";

const NO_HEADERS: readonly HeaderPair[] = [];

/**
 * The Origin allow-list and the CORS headers that go with it (RELIABILITY
 * S1, H8, H9). Matching is exact on the string the browser sends
 * (`scheme://host[:port]`): no wildcard, suffix or case folding, so
 * `https://good.example.evil.com` or `HTTPS://GOOD.EXAMPLE` never pass.
 * Header arrays are built once per allowed origin, not per request.
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string> | null;
  private readonly cors: CorsOptions | null;
  private readonly corsByOrigin = new Map<string, readonly HeaderPair[]>();

  constructor(options: Pick<ResolvedEngineOptions, "allowedOrigins" | "cors">) {
    this.allowed = options.allowedOrigins;
    this.cors = options.cors;
    if (this.cors) {
      for (const origin of this.cors.origin) this.corsByOrigin.set(origin, this.buildCors(origin));
    }
  }

  /**
   * May a request with this `Origin` header (undefined when absent) proceed?
   * `fetchSite` is the browser's `Sec-Fetch-Site` header (Fetch Metadata).
   */
  isAllowed(origin: string | undefined, fetchSite?: string): boolean {
    if (origin === undefined) {
      // No Origin: a non-browser client, a same-origin GET, or a browser's no-cors request from another page (a
      // no-cors GET carries no Origin). The last one can never read the answer, so it is only good for burning
      // the victim's per-address session slots: Fetch Metadata tells it apart (RELIABILITY S7).
      return fetchSite !== "cross-site" && fetchSite !== "same-site";
    }
    return this.allowed === null || this.allowed.has(origin);
  }

  /** CORS headers for a response to this origin: empty unless the origin is in `cors.origin`. */
  headersFor(origin: string | undefined): readonly HeaderPair[] {
    if (origin === undefined) return NO_HEADERS;
    return this.corsByOrigin.get(origin) ?? NO_HEADERS;
  }

  /** Headers for an OPTIONS preflight from an allowed origin. */
  preflightHeaders(origin: string | undefined, requestHeaders: string | undefined): readonly HeaderPair[] {
    const base = this.headersFor(origin);
    if (base.length === 0 || !this.cors) return base;
    const headers: HeaderPair[] = [...base];
    headers.push(["Access-Control-Allow-Methods", (this.cors.methods ?? ["GET", "POST"]).join(",")]);
    const allowHeaders = this.cors.allowedHeaders?.join(",") ?? requestHeaders;
    // Echoing is what the `cors` package does when no list is configured; the
    // value goes into a header, so refuse control characters (header injection).
    if (allowHeaders && !/[\r\n\0]/.test(allowHeaders)) headers.push(["Access-Control-Allow-Headers", allowHeaders]);
    if (this.cors.maxAge !== undefined) headers.push(["Access-Control-Max-Age", String(this.cors.maxAge)]);
    return headers;
  }

  private buildCors(origin: string): readonly HeaderPair[] {
    const headers: HeaderPair[] = [
      ["Access-Control-Allow-Origin", origin],
      ["Vary", "Origin"],
    ];
    if (this.cors?.credentials) headers.push(["Access-Control-Allow-Credentials", "true"]);
    return headers;
  }
}
