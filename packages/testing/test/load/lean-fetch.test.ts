import { getEventListeners } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLeanFetch, type LeanFetch } from "../../src/load/lean-fetch.js";

/** What the server saw of one request. */
interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

describe("createLeanFetch", () => {
  let server: Server | undefined;
  let leanFetch: LeanFetch | undefined;
  let parked: ServerResponse[] = [];
  afterEach(async () => {
    leanFetch?.agent.destroy();
    for (const res of parked) res.destroy();
    parked = [];
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  /** A server that records each request and answers via `reply` (which may park it). */
  async function serve(reply: (seen: Seen, res: ServerResponse) => void): Promise<string> {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => reply({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") }, res));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  it("GETs with the given headers and reads status, headers and text", async () => {
    const seen: Seen[] = [];
    const base = await serve((request, res) => {
      seen.push(request);
      res.writeHead(200, { "content-type": "text/plain", "x-two": ["a", "b"] }).end("0{\"sid\":\"é\"}");
    });
    leanFetch = createLeanFetch();
    const response = await leanFetch(`${base}/socket.io/?EIO=4&transport=polling`, { method: "GET", headers: { "x-extra": "1" } });
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get("Content-Type")).toBe("text/plain");
    expect(response.headers.get("x-two")).toBe("a, b");
    expect(response.headers.get("retry-after")).toBeNull();
    expect(await response.text()).toBe("0{\"sid\":\"é\"}");
    expect(seen).toMatchObject([{ method: "GET", url: "/socket.io/?EIO=4&transport=polling", body: "", headers: { "x-extra": "1" } }]);
  });

  it("POSTs a string body labelled as fetch labels it, and reuses the keep-alive connection", async () => {
    const seen: Seen[] = [];
    const ports = new Set<number>();
    const base = await serve((request, res) => {
      seen.push(request);
      res.end("ok");
    });
    server!.on("connection", (socket) => ports.add(socket.remotePort ?? 0));
    leanFetch = createLeanFetch();
    for (const body of ["4hello\u001e4wörld", "3"]) {
      const response = await leanFetch(base, { method: "POST", body, headers: {} });
      expect(await response.text()).toBe("ok");
    }
    expect(seen.map((s) => [s.method, s.body, s.headers["content-type"], s.headers["content-length"]])).toEqual([
      ["POST", "4hello\u001e4wörld", "text/plain;charset=UTF-8", String(Buffer.byteLength("4hello\u001e4wörld"))],
      ["POST", "3", "text/plain;charset=UTF-8", "1"],
    ]);
    expect(ports.size).toBe(1);
  });

  it("gives non-200 statuses and bodies as they are, arrayBuffer included", async () => {
    const base = await serve((_, res) => res.writeHead(503, { "retry-after": "3" }).end('{"code":1}'));
    leanFetch = createLeanFetch();
    const response = await leanFetch(base);
    expect(response.status).toBe(503);
    expect(response.ok).toBe(false);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(Buffer.from(await response.arrayBuffer()).toString("utf8")).toBe('{"code":1}');
  });

  it("rejects a parked request with an AbortError once its signal aborts, and any request on an aborted signal", async () => {
    let arrived!: () => void;
    const parkedSeen = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const base = await serve((_, res) => {
      parked.push(res);
      arrived();
    });
    leanFetch = createLeanFetch();
    const controller = new AbortController();
    const pending = leanFetch(base, { signal: controller.signal });
    await parkedSeen;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await expect(leanFetch(base, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("adds one abort listener per shared signal, however many requests use it", async () => {
    const base = await serve((_, res) => res.end("x"));
    leanFetch = createLeanFetch();
    const { signal } = new AbortController();
    for (let round = 0; round < 3; round++) {
      const pending = [leanFetch(base, { signal }), leanFetch(base, { signal })];
      for (const response of await Promise.all(pending)) expect(await response.text()).toBe("x");
    }
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
  });

  it("refuses URLs that are not http://", async () => {
    leanFetch = createLeanFetch();
    await expect(leanFetch("https://example.com/")).rejects.toThrow(TypeError);
  });

  it("rejects when the server is unreachable", async () => {
    const base = await serve((_, res) => res.end());
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    leanFetch = createLeanFetch();
    await expect(leanFetch(base)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
