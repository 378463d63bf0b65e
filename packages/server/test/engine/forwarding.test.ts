import { describe, expect, it } from "vitest";
import type { EngineConnection } from "../../src/engine/engine-connection.js";
import { EngineOptionError, type EngineOptions } from "../../src/engine/engine-options.js";
import { generateSessionId, sessionOwner } from "../../src/engine/session-id.js";
import type { SessionRouter } from "../../src/engine/session-router.js";
import { FakeExchange, fakeEngine, request, WS_HEADERS } from "./fakes.js";
import { RouterNet } from "./forwarding-fakes.js";

const ORIGIN = "https://app.example";

/** Three engines on fake platforms, joined by in-process routers named a, b, c. */
function cluster(options: EngineOptions = {}) {
  const net = new RouterNet();
  const nodes = ["a", "b", "c"].map((id) => {
    const router = net.router(id);
    return { router, ...fakeEngine({ ...options, sessionRouter: router }) };
  });
  return { net, a: nodes[0]!, b: nodes[1]!, c: nodes[2]! };
}

type Node = ReturnType<typeof cluster>["a"];

/** A POST whose body never finishes arriving. */
class StalledBody extends FakeExchange {
  override readBody(): void {}
}

function get(node: Node, sid: string, headers: Record<string, string> = {}): FakeExchange {
  const ex = new FakeExchange();
  node.engine.handleHttp(request(`EIO=4&transport=polling&sid=${sid}`, "get", headers), ex);
  return ex;
}

function post(node: Node, sid: string, body: string | null, headers: Record<string, string> = {}): FakeExchange {
  const ex = new FakeExchange(body);
  node.engine.handleHttp(request(`EIO=4&transport=polling&sid=${sid}`, "post", headers), ex);
  return ex;
}

describe("session ids with an owner", () => {
  it("embeds the node id before 120 random bits, and reads it back", () => {
    const sid = generateSessionId("node-1_A");
    expect(sid).toMatch(/^node-1_A\.[A-Za-z0-9_-]{20}$/);
    expect(sessionOwner(sid)).toBe("node-1_A");
    expect(generateSessionId()).toMatch(/^[A-Za-z0-9_-]{20}$/);
    for (const plain of [generateSessionId(), ".abc", "a b.abc", `${"x".repeat(33)}.abc`, ""]) {
      expect(sessionOwner(plain)).toBeUndefined();
    }
  });

  it("mints routed sids on polling and WebSocket handshakes only when a router is set", () => {
    const { a } = cluster();
    expect(a.openPolling().id).toMatch(/^a\.[A-Za-z0-9_-]{20}$/);
    expect(a.openWs().conn.id).toMatch(/^a\./);
    expect(fakeEngine().openPolling().id).toMatch(/^[A-Za-z0-9_-]{20}$/);
  });

  it("refuses a router whose node id cannot be embedded in a sid", () => {
    const bad = (nodeId: string): SessionRouter => ({ nodeId, bind: () => () => {}, forward: () => {} });
    for (const nodeId of ["", "a.b", "a b", "x".repeat(33)]) {
      expect(() => fakeEngine({ sessionRouter: bad(nodeId) })).toThrow(EngineOptionError);
    }
  });
});

describe("polling requests for another node's session", () => {
  it("serves a GET through the owner: parked there until data, answered at the edge", () => {
    const { a, b } = cluster();
    const conn = a.openPolling();
    const ex = get(b, conn.id);
    expect(b.router.calls).toHaveLength(1);
    expect(b.router.calls[0]!.owner).toBe("a");
    expect(ex.done).toBe(false);
    conn.send(["hello"]);
    expect(ex.status).toBe("200 OK");
    expect(ex.body).toBe("4hello");
    expect(ex.header("content-type")).toBe("text/plain; charset=UTF-8");
  });

  it("delivers forwarded POSTs to the owner in order, whichever edge they cross", () => {
    const { a, b, c } = cluster();
    const conn = a.openPolling();
    const seen: unknown[] = [];
    conn.onMessage = (frame) => seen.push(frame);
    const edges = [b, c, a, c, b];
    edges.forEach((edge, i) => {
      const ex = post(edge, conn.id, `4m${i}\x1e4n${i}`);
      expect(ex.status).toBe("200 OK");
      expect(ex.body).toBe("ok");
    });
    expect(seen).toEqual(["m0", "n0", "m1", "n1", "m2", "n2", "m3", "n3", "m4", "n4"]);
  });

  it("keeps one GET in flight per session across edges: the second gets 400, the first the close packet", () => {
    const { a, b, c } = cluster();
    const conn = a.openPolling();
    const first = get(b, conn.id);
    const second = get(c, conn.id);
    expect(second.status).toBe("400 Bad Request");
    expect(first.body).toBe("1");
    expect(a.closes).toEqual(["transport error"]);
  });

  it("keeps one POST in flight per session across edges", () => {
    const { a, c } = cluster();
    const conn = a.openPolling();
    // The owner is still reading the first POST's body when a second one arrives through another edge.
    a.engine.handleHttp(request(`EIO=4&transport=polling&sid=${conn.id}`, "post"), new StalledBody());
    expect(post(c, conn.id, "4x").status).toBe("400 Bad Request");
    expect(c.router.calls).toHaveLength(1);
    expect(a.closes).toEqual(["transport error"]);
  });

  it("checks the origin at the edge: a refused origin never travels", () => {
    const { a, b } = cluster({ cors: { origin: [ORIGIN] } });
    const conn = a.openPolling();
    const refused = get(b, conn.id, { origin: "https://evil.example" });
    expect(refused.status).toBe("403 Forbidden");
    expect(b.router.calls).toHaveLength(0);
    // An allowed origin travels, and the owner's answer carries the CORS headers.
    const allowed = post(b, conn.id, "4x", { origin: ORIGIN });
    expect(allowed.body).toBe("ok");
    expect(allowed.header("access-control-allow-origin")).toBe(ORIGIN);
  });

  it("refuses an oversized POST at the edge with 413; the owner's session ends as after a direct one", () => {
    const { a, b } = cluster();
    const conn = a.openPolling();
    const ex = post(b, conn.id, null);
    expect(ex.status).toBe("413 Payload Too Large");
    expect(b.router.calls.map((call) => call.body)).toEqual([null]);
    expect(a.closes).toEqual(["transport error"]);
  });

  it("tells the owner of a POST whose client left mid-body (transport error, as direct)", () => {
    const { a, b } = cluster();
    const conn = a.openPolling();
    const ex = new StalledBody();
    b.engine.handleHttp(request(`EIO=4&transport=polling&sid=${conn.id}`, "post"), ex);
    expect(b.router.calls).toHaveLength(0);
    ex.abort();
    expect(b.router.calls.map((call) => call.body)).toEqual([null]);
    expect(a.closes).toEqual(["transport error"]);
  });

  it("answers transport errors at the edge (a WebSocket transport on plain HTTP is code 3)", () => {
    const { a, b } = cluster();
    const conn = a.openPolling();
    const ex = new FakeExchange();
    b.engine.handleHttp(request(`EIO=4&transport=websocket&sid=${conn.id}`), ex);
    expect(JSON.parse(ex.body)).toEqual({ code: 3, message: "Bad request" });
    expect(b.router.calls).toHaveLength(0);
  });

  it("never forwards this node's own sids, plain sids or malformed owners: 400 code 1", () => {
    const { a, b } = cluster();
    const conn = a.openPolling();
    conn.close("forced server close");
    expect(a.poll(conn.id).body).toBe("1");
    for (const sid of [conn.id, generateSessionId(), `bad owner.${generateSessionId()}`]) {
      const ex = a.poll(sid);
      expect(ex.status).toBe("400 Bad Request");
      expect(JSON.parse(ex.body)).toEqual({ code: 1, message: "Session ID unknown" });
    }
    expect(a.router.calls).toHaveLength(0);
    // Through an edge the closed session is unknown at the owner: the same answer.
    expect(JSON.parse(get(b, conn.id).body)).toEqual({ code: 1, message: "Session ID unknown" });
  });

  it("propagates an abort at the edge to the owner's parked GET (transport error, as direct)", () => {
    const { a, b } = cluster();
    const conn = a.openPolling();
    const ex = get(b, conn.id);
    ex.abort();
    expect(a.closes).toEqual(["transport error"]);
    expect(conn.send(["late"])).toBe(false);
  });

  it("carries close semantics: a server close ends the forwarded GET with 1; a client close with 6", () => {
    const { a, b, c } = cluster();
    const one = a.openPolling();
    const parked = get(b, one.id);
    one.close("forced server close");
    expect(parked.body).toBe("1");

    const two = a.openPolling();
    const parkedTwo = get(b, two.id);
    expect(post(c, two.id, "1").body).toBe("ok");
    expect(parkedTwo.body).toBe("6");
    expect(a.closes).toEqual(["forced server close", "transport close"]);
  });

  it("hands the router a timeout that outlasts a parked GET, and a short one for a POST", () => {
    const { a, b } = cluster({ pingInterval: 300, pingTimeout: 200 });
    b.router.hold = true;
    const conn = a.openPolling();
    get(b, conn.id);
    post(b, conn.id, "4x");
    expect(b.router.calls.map((call) => [call.request.method, call.timeout, call.body])).toEqual([
      ["get", 2500, null],
      ["post", 200, "4x"],
    ]);
  });

  it("answers router failures with clear errors carrying the CORS headers", () => {
    const { a, b } = cluster({ cors: { origin: [ORIGIN] } });
    const conn = a.openPolling();
    const answer = (failure: "unknown session" | "unavailable" | "timeout") => {
      b.router.failWith = failure;
      const ex = get(b, conn.id, { origin: ORIGIN });
      expect(ex.header("access-control-allow-origin")).toBe(ORIGIN);
      expect(ex.header("content-type")).toBe("application/json");
      return { status: ex.status, body: JSON.parse(ex.body), retry: ex.header("retry-after") };
    };
    expect(answer("unknown session")).toEqual({
      status: "400 Bad Request",
      body: { code: 1, message: "Session ID unknown" },
      retry: undefined,
    });
    expect(answer("unavailable")).toEqual({
      status: "503 Service Unavailable",
      body: { code: 3, message: "Session owner unavailable" },
      retry: "1",
    });
    expect(answer("timeout")).toEqual({
      status: "504 Gateway Timeout",
      body: { code: 3, message: "Session owner timed out" },
      retry: undefined,
    });
  });

  it("ignores a failure once the exchange is settled (the client left)", () => {
    const { a, b } = cluster();
    b.router.hold = true;
    const conn = a.openPolling();
    const ex = get(b, conn.id);
    ex.abort();
    expect(() => b.router.calls[0]!.fail("timeout")).not.toThrow();
    expect(ex.status).toBe("");
  });

  it("answers 400 code 1 when the owner node is gone", () => {
    const { a, b, net } = cluster();
    const conn = a.openPolling();
    net.routers.delete("a");
    expect(JSON.parse(get(b, conn.id).body)).toEqual({ code: 1, message: "Session ID unknown" });
    expect(b.router.calls).toHaveLength(1);
  });

  it("refuses a WebSocket upgrade for another node's sid with 400 code 1 (the client keeps polling)", () => {
    const { a, b } = cluster();
    const conn = a.openPolling();
    const decision = b.engine.checkUpgrade(request(`EIO=4&transport=websocket&sid=${conn.id}`, "get", WS_HEADERS));
    if (decision instanceof Promise) throw new Error("sync expected");
    expect(decision.accept).toBe(false);
    if (!decision.accept) expect(JSON.parse(decision.body)).toEqual({ code: 1, message: "Session ID unknown" });
    expect(b.router.calls).toHaveLength(0);
  });

  it("on close: answers the parked forwarded GETs first, then unbinds the router, then refuses forwards", async () => {
    const { a, b } = cluster();
    const conn: EngineConnection = a.openPolling();
    const parked = get(b, conn.id);
    await a.engine.close();
    expect(parked.body).toBe("1");
    expect(a.router.unbound).toBe(true);
    expect(a.router.serve).toBeNull();
    expect(JSON.parse(get(b, conn.id).body)).toEqual({ code: 1, message: "Session ID unknown" });
  });
});
