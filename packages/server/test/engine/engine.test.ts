import { describe, expect, it } from "vitest";
import type { EngineSession } from "../../src/engine/session.js";
import { FakeExchange, FakeWsPort, fakeEngine, request, WS_HEADERS } from "./fakes.js";

/** The engine against a fake platform: paths the real-socket suites cannot reach deterministically. */
describe("Engine (fake platform)", () => {
  it("keeps the handshake request compact but faithful, __proto__ included", () => {
    const f = fakeEngine();
    const headers = { ...WS_HEADERS, "x-custom": "a, b" } as Record<string, string>;
    Object.defineProperty(headers, "__proto__", { value: "p", enumerable: true });
    const decision = f.engine.checkUpgrade(request("EIO=4&transport=websocket&__proto__=q&a=1&a=2", "get", headers));
    if (decision instanceof Promise || !decision.accept) throw new Error("refused");
    const session = f.engine.openSocket(new FakeWsPort(), decision.ticket)!;
    const req = session.request;
    expect(Object.getPrototypeOf(req.headers)).toBe(Object.prototype);
    expect(Object.hasOwn(req.headers, "__proto__")).toBe(true);
    expect(req.headers["x-custom"]).toBe("a, b");
    expect(req.headers["sec-websocket-version"]).toBe("13");
    expect(req.query).toEqual(JSON.parse('{"EIO":"4","transport":"websocket","__proto__":"q","a":"1"}'));
    expect(req.headers).toBe(req.headers);
    expect(({} as Record<string, unknown>).q).toBeUndefined();
  });

  it("waits for an async allowRequest and drops the handshake if the client left meanwhile", async () => {
    let release!: (v: boolean) => void;
    const f = fakeEngine({ allowRequest: () => new Promise<boolean>((r) => (release = r)) });
    const ex = new FakeExchange();
    f.engine.handleHttp(request("EIO=4&transport=polling"), ex);
    expect(ex.done).toBe(false);
    ex.abort();
    release(true);
    await Promise.resolve();
    await Promise.resolve();
    expect(f.engine.clientsCount).toBe(0);
    expect(f.connections).toEqual([]);
  });

  it("answers a polling handshake, then the close, when onConnection closes the session at once", () => {
    const f = fakeEngine();
    let sid = "";
    f.engine.onConnection = (conn) => {
      sid = conn.id;
      conn.close("forced server close");
    };
    const ex = new FakeExchange();
    f.engine.handleHttp(request("EIO=4&transport=polling"), ex);
    expect(ex.body).toMatch(/^0\{.*\}$/);
    expect(f.engine.clientsCount).toBe(0);
    expect(f.poll(sid).body).toBe("1");
    expect(f.poll(sid).status).toBe("400 Bad Request");
  });

  it("answers open + close at once when onConnection ends the session for good", () => {
    const f = fakeEngine();
    f.engine.onConnection = (conn) => conn.close("transport error");
    const ex = new FakeExchange();
    f.engine.handleHttp(request("EIO=4&transport=polling"), ex);
    expect(ex.body).toMatch(/^0\{.*\}\x1e1$/);
  });

  it("sends what onConnection queued in the handshake response", () => {
    const f = fakeEngine();
    f.engine.onConnection = (conn) => conn.send(["hello", new Uint8Array([1])]);
    const ex = new FakeExchange();
    f.engine.handleHttp(request("EIO=4&transport=polling"), ex);
    expect(ex.body).toMatch(/^0\{.*\}\x1e4hello\x1ebAQ==$/);
  });

  it("refuses a probe whose session closed between the upgrade check and the open", () => {
    const f = fakeEngine();
    const conn = f.openPolling();
    const decision = f.engine.checkUpgrade(request(`EIO=4&transport=websocket&sid=${conn.id}`, "get", WS_HEADERS));
    if (decision instanceof Promise || !decision.accept) throw new Error("refused");
    conn.close("transport error");
    const port = new FakeWsPort();
    expect(f.engine.openSocket(port, decision.ticket)).toBeNull();
    expect(port.closed?.code).toBe(1008);
  });

  it("publishes once to the platform for WebSocket subscribers and shares one encoding with polling ones", () => {
    const f = fakeEngine();
    const a = f.openPolling();
    const b = f.openPolling();
    a.subscribe("t");
    b.subscribe("t");
    const getA = f.poll(a.id);
    f.engine.publish("t", ["x", new Uint8Array([2])]);
    expect(f.platform.published).toEqual([
      { topic: "t", data: "4x", skip: null },
      { topic: "t", data: new Uint8Array([2]), skip: null },
    ]);
    expect(getA.body).toBe("4x\x1ebAg==");
    const bPolling = (b as EngineSession).polling!;
    expect(bPolling.buffer).toEqual(["4x", "bAg=="]);
    // The same string objects: encoded once, not per subscriber.
    f.engine.publish("t", ["shared"]);
    expect((a as EngineSession).polling!.buffer[0]).toBe(bPolling.buffer[2]);
  });

  it("publishes from a connection to everyone but it: the platform skips a WebSocket sender", () => {
    const f = fakeEngine();
    const { conn: wsConn, port } = f.openWs();
    const a = f.openPolling();
    const b = f.openPolling();
    for (const conn of [wsConn, a, b]) conn.subscribe("t");
    wsConn.publish!("t", ["from ws"]);
    expect(f.platform.published).toEqual([{ topic: "t", data: "4from ws", skip: port }]);
    a.publish!("t", ["from a"]);
    expect(f.platform.published[1]).toEqual({ topic: "t", data: "4from a", skip: null });
    expect((a as EngineSession).polling!.buffer).toEqual(["4from ws"]);
    expect((b as EngineSession).polling!.buffer).toEqual(["4from ws", "4from a"]);
    // A sole polling subscriber publishing: nothing to queue for anyone.
    b.unsubscribe("t");
    a.publish!("t", ["alone"]);
    expect((a as EngineSession).polling!.buffer).toEqual(["4from ws"]);
  });

  it("close() stops listening, closes every session, drops connections, then refuses", async () => {
    const f = fakeEngine();
    f.openPolling();
    const { port } = f.openWs();
    const lingering = f.openPolling();
    lingering.close();
    await f.engine.close();
    expect(f.platform.stopped).toBe(true);
    expect(f.platform.dropped).toBe(true);
    expect(f.closes.sort()).toEqual(["forced close", "server shutting down", "server shutting down"]);
    expect(port.closed).toEqual({ code: 1001, reason: "server shutting down" });
    expect(f.clock.pending).toBe(0);
    const ex = new FakeExchange();
    f.engine.handleHttp(request("EIO=4&transport=polling"), ex);
    expect(ex.status).toBe("503 Service Unavailable");
    const decision = f.engine.checkUpgrade(request("EIO=4&transport=websocket", "get", WS_HEADERS));
    expect(decision).toMatchObject({ accept: false, status: "503 Service Unavailable" });
  });

  it("reports every state change through one funnel", () => {
    const f = fakeEngine();
    const seen: string[] = [];
    f.engine.stateObserver = (c) => seen.push(`${c.from}>${c.to}:${c.reason}`);
    const conn = f.openPolling();
    const decision = f.engine.checkUpgrade(request(`EIO=4&transport=websocket&sid=${conn.id}`, "get", WS_HEADERS));
    if (decision instanceof Promise || !decision.accept) throw new Error("refused");
    const port = new FakeWsPort();
    f.engine.openSocket(port, decision.ticket);
    f.engine.socketClosed(conn as EngineSession, port);
    conn.close();
    expect(seen).toEqual([
      "open>upgrading:upgrade started",
      "upgrading>open:upgrade failed",
      "open>closing:forced close",
    ]);
  });

  it("handles a 413 from the platform by closing the session", () => {
    const f = fakeEngine();
    const conn = f.openPolling();
    const ex = f.post(conn.id, null);
    expect(ex.status).toBe("413 Payload Too Large");
    expect(f.closes).toEqual(["transport error"]);
  });
});
