import { readFile } from "node:fs/promises";
import type { HttpRequest, HttpResponse, TemplatedApp } from "uWebSockets.js";
import type { StaticFile, StaticSite } from "./static-site.js";

/**
 * Headers on every page response. The page loads only its own scripts and
 * styles and talks only to its own origin (`'self'` covers `ws:`/`wss:` to
 * the same host in CSP Level 3 browsers).
 */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "no-referrer"],
  [
    "Content-Security-Policy",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  ],
];

const NOT_FOUND_PAGE =
  '<!doctype html><meta charset="utf-8"><title>Not found</title>' +
  '<p style="font:16px system-ui;margin:3rem">Nothing here. <a href="/">Back to the chat</a>.</p>';

/**
 * Serve a static site on a uWS app: GET and HEAD for its files, 404 for
 * other paths, 405 for other methods. Routes registered on the app with a
 * more specific pattern (such as the Socket.IO endpoint) still win: uWS
 * matches static segments before wildcards.
 *
 * uWS rules followed here: everything needed from `req` is read before the
 * first `await` (it is invalid afterwards); `onAborted` is registered before
 * going asynchronous (uWS aborts the process otherwise) and checked before
 * writing; the late write is wrapped in `cork` so status, headers and body
 * leave in one syscall.
 *
 * @example
 * ```ts
 * const app = uWS.App();
 * serveStatic(app, await loadStaticSite(publicDir));
 * io.attach(app);
 * ```
 */
export function serveStatic(app: TemplatedApp, site: StaticSite): void {
  app.get("/*", (res, req) => onGet(res, req, site, true));
  app.head("/*", (res, req) => onGet(res, req, site, false));
  app.any("/*", (res) => {
    res.writeStatus("405 Method Not Allowed").writeHeader("Allow", "GET, HEAD").end("Method Not Allowed");
  });
}

function onGet(res: HttpResponse, req: HttpRequest, site: StaticSite, withBody: boolean): void {
  const file = site.lookup(req.getUrl());
  if (file === undefined) {
    res.writeStatus("404 Not Found").writeHeader("Content-Type", "text/html; charset=utf-8");
    if (withBody) res.end(NOT_FOUND_PAGE);
    else endHead(res, NOT_FOUND_PAGE.length);
    return;
  }
  if (req.getHeader("if-none-match") === file.etag) {
    res.writeStatus("304 Not Modified");
    writeCacheHeaders(res, file);
    res.endWithoutBody(0);
    return;
  }
  const gzip = file.gzipPath !== undefined && /\bgzip\b/.test(req.getHeader("accept-encoding"));
  if (!withBody) {
    writeHeaders(res, file, gzip);
    // HEAD: the length of the body a GET would get.
    endHead(res, gzip ? file.gzipSize : file.size);
    return;
  }
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  readFile(gzip ? file.gzipPath! : file.path).then(
    (body) => {
      if (aborted) return;
      res.cork(() => {
        writeHeaders(res, file, gzip);
        res.end(body);
      });
    },
    () => {
      // Deleted or unreadable since start (a rebuild under a running server).
      if (aborted) return;
      res.cork(() => {
        res.writeStatus("503 Service Unavailable").writeHeader("Retry-After", "1").end("Try again shortly");
      });
    },
  );
}

/**
 * End a HEAD response announcing `length` bytes. This uWS build counts a
 * response ended with a non-zero reported length as still open, and aborts
 * the process when the handler returns without an abort handler: register one.
 */
function endHead(res: HttpResponse, length: number): void {
  res.onAborted(() => undefined);
  res.endWithoutBody(length);
}

function writeHeaders(res: HttpResponse, file: StaticFile, gzip: boolean): void {
  res.writeStatus("200 OK").writeHeader("Content-Type", file.contentType);
  writeCacheHeaders(res, file);
  if (gzip) res.writeHeader("Content-Encoding", "gzip");
  for (const [name, value] of SECURITY_HEADERS) res.writeHeader(name, value);
}

function writeCacheHeaders(res: HttpResponse, file: StaticFile): void {
  res.writeHeader("Cache-Control", file.cacheControl).writeHeader("ETag", file.etag);
  // Caches must keep the gzip and plain copies apart.
  if (file.gzipPath !== undefined) res.writeHeader("Vary", "Accept-Encoding");
}
