import { Agent, request } from "node:http";

/** A response, or why there is none. */
export type HttpResult = { readonly status: number; readonly body: Buffer } | "timeout" | "error";

/**
 * A keep-alive HTTP client for polling requests with a per-request deadline.
 * A request that misses its deadline is destroyed and reported as
 * `"timeout"`: the fuzzer counts those, a healthy server answers every
 * polling request within `pingInterval`.
 */
export class HttpClient {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    maxSockets = 16,
    private readonly host = "127.0.0.1",
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /**
   * Send one request.
   *
   * @example
   * ```ts
   * const client = new HttpClient(port);
   * const result = await client.send("GET", "/socket.io/?EIO=4&transport=polling", undefined, 2000);
   * ```
   */
  send(method: "GET" | "POST", path: string, body: Uint8Array | undefined, timeoutMs: number): Promise<HttpResult> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: HttpResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const req = request(
        {
          agent: this.agent,
          host: this.host,
          port: this.port,
          method,
          path,
          headers: body === undefined ? {} : { "content-type": "text/plain;charset=UTF-8", "content-length": body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => settle({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on("error", () => settle("error"));
        },
      );
      const timer = setTimeout(() => {
        settle("timeout");
        req.destroy();
      }, timeoutMs);
      req.on("error", () => settle("error"));
      req.end(body);
    });
  }

  /** Close idle keep-alive sockets and abort the rest. */
  close(): void {
    this.agent.destroy();
  }
}
