import type { HttpRequest, HttpResponse } from "uWebSockets.js";
import type { EngineRequest, HeaderPair, HttpExchange } from "../engine/platform.js";
import { parseQuery, setOwn } from "../engine/request-fields.js";

/**
 * Copy everything the engine may need out of a uWS request. MUST run
 * synchronously at the top of the handler: `req` is stack-allocated by uWS
 * and invalid after the first `await` or callback.
 */
export function copyRequest(req: HttpRequest, res: HttpResponse): EngineRequest {
  const headers: Record<string, string> = {};
  // One module-level callback instead of a closure per request (forEach runs synchronously).
  target = headers;
  req.forEach(copyHeader);
  target = NO_HEADERS;
  const rawQuery = req.getQuery() ?? "";
  return {
    method: req.getMethod(),
    url: rawQuery === "" ? req.getUrl() : `${req.getUrl()}?${rawQuery}`,
    query: parseQuery(rawQuery),
    headers,
    address: Buffer.from(res.getRemoteAddressAsText()).toString(),
  };
}

const NO_HEADERS: Record<string, string> = {};
let target = NO_HEADERS;

function copyHeader(name: string, value: string): void {
  const headers = target;
  if (Object.hasOwn(headers, name)) headers[name] += name === "cookie" ? `; ${value}` : `, ${value}`;
  else setOwn(headers, name, value);
}

/**
 * `HttpExchange` over a uWS response. The constructor registers `onAborted`
 * synchronously, as uWS requires for any response not ended inside the
 * handler (otherwise the process aborts); after an abort every write is a
 * no-op. Writes from outside the handler are corked.
 */
export class UwsHttpExchange implements HttpExchange {
  done = false;
  onAbort: (() => void) | null = null;

  /**
   * @param contentLength the request's `Content-Length` header ("" when absent),
   *   so an oversized body is refused before a byte of it is read.
   */
  constructor(
    private readonly res: HttpResponse,
    private readonly contentLength: string,
  ) {
    res.onAborted(() => {
      if (this.done) return;
      this.done = true;
      const onAbort = this.onAbort;
      this.onAbort = null;
      onAbort?.();
    });
  }

  end(status: string, headers: readonly HeaderPair[], body: string, closeConnection = false): void {
    if (this.done) return;
    this.done = true;
    this.onAbort = null;
    const res = this.res;
    res.cork(() => {
      res.writeStatus(status);
      for (const [name, value] of headers) res.writeHeader(name, value);
      res.end(body, closeConnection);
    });
  }

  readBody(limit: number, onBody: (body: string | null) => void): void {
    if (this.contentLength !== "" && Number(this.contentLength) > limit) {
      this.refuseBody(onBody);
      return;
    }
    let chunks: Buffer[] | null = null;
    let size = 0;
    this.res.onData((chunk, isLast) => {
      if (this.done) return;
      size += chunk.byteLength;
      if (size > limit) return this.refuseBody(onBody);
      if (!isLast) {
        // uWS neuters `chunk` when this callback returns: copy it.
        chunks ??= [];
        chunks.push(Buffer.from(new Uint8Array(chunk)));
        return;
      }
      const last = Buffer.from(chunk);
      const body = chunks === null ? last.toString("utf8") : Buffer.concat([...chunks, last]).toString("utf8");
      chunks = null;
      onBody(body);
    });
  }

  /** 413, dropping the connection so the unread rest of the body is never parsed as a request. */
  private refuseBody(onBody: (body: string | null) => void): void {
    this.end("413 Payload Too Large", [], "", true);
    onBody(null);
  }
}
