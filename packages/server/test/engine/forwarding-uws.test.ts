import { afterEach, describe, expect, it } from "vitest";
import type { EngineOptions } from "../../src/engine/engine-options.js";
import { RouterNet } from "./forwarding-fakes.js";
import { type EngineHarness, parked, pollingHandshake, pollQuery, rawRequest, startEngine } from "./harness.js";

/**
 * Forwarding over real uWS servers and real HTTP: three engines on their own
 * ports, joined by an in-process router, so the uWS exchange (body reading,
 * onAborted, corked writes from outside a handler) is exercised end to end.
 * The Redis router and nginx run in `@cometa/redis`'s forwarding suite.
 */
describe("polling forwarded between uWS servers", () => {
  let nodes: EngineHarness[] = [];

  afterEach(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    nodes = [];
  });

  async function start(options: EngineOptions = {}): Promise<EngineHarness[]> {
    const net = new RouterNet(true);
    nodes = await Promise.all(["a", "b", "c"].map((id) => startEngine({ ...options, sessionRouter: net.router(id) })));
    return nodes;
  }

  it("parks a GET at the owner through another node and answers it with a POST through a third", async () => {
    const [a, b, c] = await start();
    const { sid } = await pollingHandshake(a!);
    expect(sid).toMatch(/^a\./);
    const poll = fetch(b!.url(pollQuery(sid)));
    await parked(a!.connections[0]!);
    const sent = await fetch(c!.url(pollQuery(sid)), { method: "POST", body: "4hello\x1e4world" });
    expect(await sent.text()).toBe("ok");
    const res = await poll;
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=UTF-8");
    // The echo handler answered both messages; the parked GET took the first, the buffer keeps the rest.
    const first = await res.text();
    const rest = await (await fetch(c!.url(pollQuery(sid)))).text();
    expect(`${first}\x1e${rest}`).toBe("4hello\x1e4world");
  });

  it("propagates a client abort of a forwarded GET to the owner", async () => {
    const [a, b] = await start();
    const { sid } = await pollingHandshake(a!);
    const controller = new AbortController();
    const poll = fetch(b!.url(pollQuery(sid)), { signal: controller.signal }).catch((error: Error) => error);
    await parked(a!.connections[0]!);
    controller.abort();
    expect(await a!.nextClose()).toEqual({ id: sid, reason: "transport error" });
    expect(await poll).toBeInstanceOf(Error);
  });

  it("refuses an oversized POST at the edge with 413, and the owner ends the session", async () => {
    const [a, b] = await start({ maxPayload: 100 });
    const { sid } = await pollingHandshake(a!);
    const body = `4${"x".repeat(200)}`;
    const raw = await rawRequest(
      b!.port,
      `POST /socket.io/?${pollQuery(sid)} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(raw).toMatch(/^HTTP\/1\.1 413 /);
    // The owner hears of it and ends the session, as after a direct 413.
    expect(await a!.nextClose()).toEqual({ id: sid, reason: "transport error" });
  });

  it("answers 400 code 1 for a sid whose owner is not in the cluster", async () => {
    const [, b] = await start();
    const res = await fetch(b!.url(pollQuery("z.AAAAAAAAAAAAAAAAAAAA")));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 1, message: "Session ID unknown" });
  });
});
