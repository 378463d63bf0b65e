import { expect } from "vitest";
import type { HostileServer } from "./server-process.js";
import { httpRequest, type RawOptions, type RawResult, rawHttp } from "./raw-http.js";

/** `GET|POST|… /socket.io/?query` with headers and body, on a fresh connection. */
export function engineRequest(
  server: HostileServer,
  method: string,
  query: string,
  headers: Record<string, string> = {},
  body?: string,
  options?: RawOptions,
): Promise<RawResult> {
  return rawHttp(server.port, httpRequest(method, `/socket.io/?${query}`, headers, body), options);
}

/** The answer is `status` with the Engine.IO JSON error `{"code": code, …}`. */
export function expectEngineError(result: RawResult, status: number, code: number): void {
  const seen = `${JSON.stringify(result.raw.slice(0, 200))}, closed by the server: ${result.closedByServer}, after ${Math.round(result.ms)} ms`;
  expect(result.response, `no HTTP response: ${seen}`).not.toBeNull();
  expect(result.response!.status).toBe(status);
  expect(JSON.parse(result.response!.body)).toEqual({ code, message: expect.any(String) });
}

/** Refused without a success: an error status, or the connection closed with no response at all. */
export function expectRefusedOrClosed(result: RawResult, statuses: readonly number[]): void {
  if (result.response === null) {
    expect(result.closedByServer, "neither answered nor closed by the server").toBe(true);
    return;
  }
  expect(statuses).toContain(result.response.status);
}

/** A polling handshake; returns the sid. */
export async function pollingSession(server: HostileServer, headers: Record<string, string> = {}, localAddress?: string): Promise<string> {
  const result = await engineRequest(server, "GET", "EIO=4&transport=polling", headers, undefined, { localAddress });
  if (result.response?.status !== 200) throw new Error(`handshake failed: ${result.raw.slice(0, 200)}`);
  return (JSON.parse(result.response.body.slice(1).split("\x1e")[0]!) as { sid: string }).sid;
}

/** Close a polling session from the client side (POST `1`). */
export async function closePolling(server: HostileServer, sid: string, localAddress?: string): Promise<void> {
  await engineRequest(server, "POST", `EIO=4&transport=polling&sid=${sid}`, {}, "1", { localAddress });
}
