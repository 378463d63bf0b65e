import { rm } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { TEST_PAGE, TEST_SCRIPT, useChat } from "./chat-harness.js";
import { httpRequest } from "./http-request.js";

describe("static files next to Socket.IO on one uWS app", () => {
  const chat = useChat();

  it("serves the page at / with its content type, revalidation and security headers", async () => {
    const { url } = await chat.start();
    const res = await httpRequest(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.headers.etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.body.toString()).toBe(TEST_PAGE);
    expect((await httpRequest(`${url}/index.html`)).body.toString()).toBe(TEST_PAGE);
  });

  it("serves hashed assets as immutable, gzipped for clients that accept it", async () => {
    const { url } = await chat.start();
    const plain = await httpRequest(`${url}/assets/app-ABCD2345.js`);
    expect(plain.status).toBe(200);
    expect(plain.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("Accept-Encoding");
    expect(plain.body.toString()).toBe(TEST_SCRIPT);

    const gzipped = await httpRequest(`${url}/assets/app-ABCD2345.js`, { headers: { "accept-encoding": "gzip, br" } });
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gzipped.body.length).toBeLessThan(TEST_SCRIPT.length);
    expect(gunzipSync(gzipped.body).toString()).toBe(TEST_SCRIPT);

    const other = await httpRequest(`${url}/robots.txt`);
    expect(other.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(other.headers["cache-control"]).toBe("no-cache");
  });

  it("answers a matching If-None-Match with 304 and no body", async () => {
    const { url } = await chat.start();
    const first = await httpRequest(`${url}/`);
    const again = await httpRequest(`${url}/`, { headers: { "if-none-match": String(first.headers.etag) } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(first.headers.etag);
  });

  it("answers HEAD with the headers and length of the GET, without a body", async () => {
    const { url } = await chat.start();
    const res = await httpRequest(`${url}/assets/app-ABCD2345.js`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(Number(res.headers["content-length"])).toBe(TEST_SCRIPT.length);
    expect(res.body.length).toBe(0);
  });

  it("gives 404 for unknown paths and path tricks, 405 for other methods", async () => {
    const { url } = await chat.start();
    for (const path of ["/nope", "/assets/", "/../package.json", "/%2e%2e/package.json", "/index.html/", "/assets/app-ABCD2345.js.gz"]) {
      const res = await httpRequest(`${url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    }
    const post = await httpRequest(`${url}/`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
  });

  it("leaves the Socket.IO endpoint to the engine", async () => {
    const { url } = await chat.start();
    const res = await httpRequest(`${url}/socket.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toMatch(/^0\{"sid":/);
    const bad = await httpRequest(`${url}/socket.io/?EIO=3&transport=polling`);
    expect(bad.status).toBe(400);
  });

  it("answers 503 (and stays up) when a file vanished after start", async () => {
    const { url, publicDir } = await chat.start();
    await rm(join(publicDir, "robots.txt"));
    expect((await httpRequest(`${url}/robots.txt`)).status).toBe(503);
    expect((await httpRequest(`${url}/`)).status).toBe(200);
  });
});
