import { ClientError } from "../errors.js";
import type { EngineCloseDetail } from "./engine-contract.js";
import { parseJsonObject } from "./parse-json.js";
import type { ResponseLike } from "./platform.js";

/**
 * Longest wait a server may impose through `Retry-After` (1 hour): a typo or
 * hostile proxy must not park clients for days.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** `ms` clamped to 0…{@link MAX_RETRY_AFTER_MS}. */
const clampWait = (ms: number): number => Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);

/**
 * Parses an HTTP `Retry-After` value, either delay-seconds (`"120"`) or an
 * HTTP date (`"Wed, 21 Oct 2026 07:28:00 GMT"`), into milliseconds from `now`.
 * Returns undefined when absent or unparsable; clamps to 0…{@link MAX_RETRY_AFTER_MS}.
 *
 * @example
 * ```ts
 * parseRetryAfter("5", Date.now()) // 5000
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim() ?? "";
  // HTTP dates always name a day or month; this keeps Date.parse's lenient guesses ("-5", "1.5") out.
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : /[a-z]{3}/i.test(text) ? Date.parse(text) - now : Number.NaN;
  return Number.isNaN(ms) ? undefined : clampWait(ms);
}

/**
 * Turns a non-200 polling response into a close detail: the status, the
 * Engine.IO error body `{code, message}` when the server sent JSON, and
 * `retryAfterMs` from `Retry-After` (sent with 503 and 429). Reads the body
 * (a connection with an unread body cannot be reused or closed cleanly).
 */
export async function httpFailure(response: ResponseLike, now: number): Promise<EngineCloseDetail> {
  const { status } = response;
  // The body is only a hint; a reset while reading it changes nothing.
  const json = parseJsonObject(await response.text().catch(() => ""));
  const body: EngineCloseDetail["body"] = json && {
    ...(typeof json.code === "number" && { code: json.code }),
    ...(typeof json.message === "string" && { message: json.message }),
  };
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now);
  return {
    status,
    error: new ClientError("HTTP_ERROR", `HTTP ${status}${body?.message ? `: ${body.message}` : ""}`),
    ...(body && { body }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  };
}

/**
 * Cometa's server close hint: a close packet payload (`1{"retryAfterMs":3000}`)
 * or a WebSocket close reason carrying JSON with a non-negative integer
 * `retryAfterMs`. The reference server sends neither; absent or malformed hints
 * are ignored.
 */
export function parseCloseHint(text: unknown): EngineCloseDetail | undefined {
  const ms = parseJsonObject(text)?.retryAfterMs;
  return Number.isInteger(ms) && (ms as number) >= 0 ? { retryAfterMs: clampWait(ms as number) } : undefined;
}
