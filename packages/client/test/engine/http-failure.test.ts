import { describe, expect, it } from "vitest";
import { httpFailure, MAX_RETRY_AFTER_MS, parseCloseHint, parseRetryAfter } from "../../src/engine/http-failure.js";

const response = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
  text: async () => body,
});

describe("Retry-After", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it("parses delay-seconds", () => {
    expect(parseRetryAfter("5", now)).toBe(5000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });

  it("parses an HTTP date relative to now, never negative", () => {
    expect(parseRetryAfter("Thu, 01 Jan 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 11:00:00 GMT", now)).toBe(0);
  });

  it("ignores absent or malformed values and clamps huge ones", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter("1.5", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("999999999", now)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe("httpFailure", () => {
  it("carries status, the Engine.IO error body and the HTTP_ERROR code", async () => {
    const detail = await httpFailure(response(400, '{"code":1,"message":"Session ID unknown"}'), 0);
    expect(detail.status).toBe(400);
    expect(detail.body).toEqual({ code: 1, message: "Session ID unknown" });
    expect(detail.retryAfterMs).toBeUndefined();
    expect((detail.error as { code?: string }).code).toBe("HTTP_ERROR");
    expect(detail.error?.message).toContain("Session ID unknown");
  });

  it("adds retryAfterMs from a 503 Retry-After and tolerates non-JSON bodies", async () => {
    const detail = await httpFailure(response(503, "Service Unavailable", { "retry-after": "7" }), 0);
    expect(detail).toMatchObject({ status: 503, retryAfterMs: 7000 });
    expect(detail.body).toBeUndefined();
    const broken = await httpFailure(response(502, "{not json"), 0);
    expect(broken.body).toBeUndefined();
  });
});

describe("server close hint", () => {
  it("accepts a non-negative integer retryAfterMs only", () => {
    expect(parseCloseHint('{"retryAfterMs":3000}')).toEqual({ retryAfterMs: 3000 });
    expect(parseCloseHint('{"retryAfterMs":-1}')).toBeUndefined();
    expect(parseCloseHint('{"retryAfterMs":"3"}')).toBeUndefined();
    expect(parseCloseHint("{oops")).toBeUndefined();
    expect(parseCloseHint(undefined)).toBeUndefined();
    expect(parseCloseHint("")).toBeUndefined();
    expect(parseCloseHint(`{"retryAfterMs":${MAX_RETRY_AFTER_MS * 10}}`)).toEqual({ retryAfterMs: MAX_RETRY_AFTER_MS });
  });
});
