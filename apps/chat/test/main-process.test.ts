import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, type ChatProcess, freePort, launch, startChatProcess } from "./chat-process.js";
import { httpRequest } from "./http-request.js";

describe("the built chat server (node dist/server/main.js)", () => {
  let running: ChatProcess[] = [];
  beforeAll(() => assertBuilt());
  afterEach(async () => {
    for (const chat of running) await chat.kill("SIGKILL");
    running = [];
  });

  it("prints its URL, serves the page and Socket.IO, and exits 0 on SIGTERM", async () => {
    const chat = await startChatProcess(await freePort());
    running.push(chat);
    expect(chat.output()).toMatch(new RegExp(`listening on http://127\\.0\\.0\\.1:${chat.port} .*in-memory rooms`));
    const page = await httpRequest(`${chat.url}/`);
    expect(page.status).toBe(200);
    expect(page.body.toString()).toMatch(/<script type="module" src="\/assets\/app-[A-Z0-9]{8}\.js">/);
    const script = /src="(\/assets\/[^"]+)"/.exec(page.body.toString())![1]!;
    expect((await httpRequest(`${chat.url}${script}`)).headers["cache-control"]).toContain("immutable");
    expect((await httpRequest(`${chat.url}/socket.io/?EIO=4&transport=polling`)).body.toString()).toMatch(/^0\{/);
    expect(await chat.kill("SIGTERM")).toEqual({ code: 0, signal: null });
  });

  it("exits 1 with one readable line on a bad PORT", async () => {
    const { process: chat } = launch({ PORT: "http" });
    running.push(chat);
    expect(await chat.exited).toEqual({ code: 1, signal: null });
    expect(chat.output()).toContain('PORT must be an integer between 0 and 65535, got "http"');
  });

  it("exits 1 when the port is taken, instead of sharing it", async () => {
    const first = await startChatProcess(await freePort());
    running.push(first);
    const { process: second } = launch({ PORT: String(first.port), HOST: "127.0.0.1" });
    running.push(second);
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.output()).toMatch(/could not start: cannot listen on 127\.0\.0\.1:\d+/);
  });
});
