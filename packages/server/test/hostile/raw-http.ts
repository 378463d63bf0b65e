import { connect, type Socket } from "node:net";

/** What came back on one raw TCP connection. */
export interface RawResult {
  /** Everything received, as latin1 text. */
  readonly raw: string;
  /** Parsed first response, or null when none (closed, or nothing before the deadline). */
  readonly response: ParsedResponse | null;
  /** True when the server closed the connection (false: our deadline ended it). */
  readonly closedByServer: boolean;
  /** Milliseconds from connect to the end. */
  readonly ms: number;
}

/** A parsed HTTP/1.1 response. */
export interface ParsedResponse {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Options of `rawHttp`. */
export interface RawOptions {
  /** Give up (and close) after this many ms. Default 2000. */
  readonly timeoutMs?: number;
  /** Source address (127.0.0.2, … to look like another client). */
  readonly localAddress?: string;
  /** Keep reading after a complete response (to see whether the server closes). Default false. */
  readonly waitForClose?: boolean;
}

/**
 * Send `data` (one write, or several with `writes`) on a fresh TCP
 * connection and collect the answer until one full response arrived, the
 * server closed, or the deadline passed.
 */
export function rawHttp(port: number, data: string | Buffer | readonly (string | Buffer)[], options: RawOptions = {}): Promise<RawResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let raw = "";
    let closedByServer = true;
    const socket: Socket = connect({ port, host: "127.0.0.1", localAddress: options.localAddress }, () => {
      for (const chunk of Array.isArray(data) ? data : [data]) socket.write(chunk);
    });
    const timer = setTimeout(() => {
      closedByServer = false;
      socket.destroy();
    }, options.timeoutMs ?? 2000);
    socket.on("data", (chunk) => {
      raw += chunk.toString("latin1");
      if (!options.waitForClose && parseResponse(raw)?.complete) {
        closedByServer = false;
        socket.destroy();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ raw, response: parseResponse(raw)?.response ?? null, closedByServer, ms: performance.now() - started });
    });
  });
}

/** Parse the first HTTP response in `raw`; `complete` once its whole body (Content-Length) is there. */
export function parseResponse(raw: string): { response: ParsedResponse; complete: boolean } | null {
  const headEnd = raw.indexOf("\r\n\r\n");
  if (headEnd === -1) return null;
  const lines = raw.slice(0, headEnd).split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
  if (status === null) return null;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers["content-length"] ?? 0);
  const body = raw.slice(headEnd + 4, headEnd + 4 + length);
  return { response: { status: Number(status[1]), headers, body }, complete: body.length >= length };
}

/** An HTTP/1.1 request: `method target`, headers (Host added), optional body (Content-Length added unless given). */
export function httpRequest(method: string, target: string, headers: Record<string, string> = {}, body?: string): string {
  const lines = [`${method} ${target} HTTP/1.1`, "Host: 127.0.0.1"];
  const names = Object.keys(headers).map((n) => n.toLowerCase());
  if (body !== undefined && !names.includes("content-length") && !names.includes("transfer-encoding")) {
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join("\r\n")}\r\n\r\n${body ?? ""}`;
}

/** The headers of a valid RFC 6455 upgrade request. */
export const UPGRADE: Readonly<Record<string, string>> = {
  Upgrade: "websocket",
  Connection: "Upgrade",
  "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
  "Sec-WebSocket-Version": "13",
};
