import { EngineErrorCode } from "@cometa/protocol";
import { type EngineResponse, errorResponse } from "./handshake.js";
import type { EngineRequest } from "./platform.js";

/**
 * HTTP-level limits checked on every request to the engine path, before
 * anything else reads it (RELIABILITY H10, H11, H13). uWebSockets.js accepts
 * request heads up to about 60 KB and answers many malformed ones by waiting
 * for its ~10 s timeout; these checks give a clear status instead:
 *
 * - URL longer than `maxHeaderSize` → `414 URI Too Long`;
 * - URL plus header names and values over `maxHeaderSize` → `431 Request
 *   Header Fields Too Large` (Node's default limit is the same 16 KiB);
 * - a `Content-Length` that is not one plain decimal number (two differing
 *   `Content-Length` headers arrive joined as `"2, 30"`) → `400`: a proxy
 *   in front could pick the other length and read a smuggled request into
 *   the body (RFC 9112 §6.3);
 * - a `Transfer-Encoding` other than exactly `chunked` (uWS reads
 *   `xchunked` as chunked), or one next to a `Content-Length` → `400`.
 *
 * Every refusal is a JSON `{"code":3,"message":…}` sent with the connection
 * closed, since the rest of the bytes on it cannot be trusted.
 */
export function checkRequestLimits(req: EngineRequest, maxHeaderSize: number): EngineResponse | undefined {
  let size = req.url.length;
  if (size > maxHeaderSize) return errorResponse(EngineErrorCode.BAD_REQUEST, [], "URI too long", 414);
  const headers = req.headers;
  // Own `__proto__` keys are enumerable (setOwn), so for…in counts every header.
  for (const name in headers) size += name.length + headers[name]!.length;
  if (size > maxHeaderSize) return errorResponse(EngineErrorCode.BAD_REQUEST, [], "Request header fields too large", 431);
  const length = headers["content-length"];
  if (length !== undefined && !DECIMAL.test(length)) {
    return errorResponse(EngineErrorCode.BAD_REQUEST, [], "Invalid Content-Length");
  }
  const coding = headers["transfer-encoding"];
  if (coding !== undefined && (length !== undefined || coding.toLowerCase() !== "chunked")) {
    return errorResponse(EngineErrorCode.BAD_REQUEST, [], "Invalid Transfer-Encoding");
  }
  return undefined;
}

/** One Content-Length value: digits only, at most 15 of them (a safe integer). */
const DECIMAL = /^\d{1,15}$/;
