import { describe, expect, it } from "vitest";
import { createRig, openPacket } from "./fake-transport.js";

describe("engine state machine", () => {
  it("goes idle → opening → open on the handshake and reports transport, id and handshake", () => {
    const rig = createRig();
    const handshakes: unknown[] = [];
    rig.engine.onOpen = (hs) => handshakes.push(hs);
    expect(rig.engine.state).toBe("idle");
    rig.engine.open();
    expect(rig.engine.state).toBe("opening");
    expect(rig.engine.transport).toBeUndefined();
    rig.last("websocket").receive(openPacket("abc", []));
    expect(rig.engine.state).toBe("open");
    expect(rig.engine.id).toBe("abc");
    expect(rig.engine.transport).toBe("websocket");
    expect(rig.transports).toEqual(["websocket"]);
    expect(handshakes).toEqual([{ sid: "abc", upgrades: [], pingInterval: 100, pingTimeout: 50, maxPayload: 1000 }]);
    expect(rig.states.map((s) => [s.from, s.to, s.reason])).toEqual([
      ["idle", "opening", "open called"],
      ["opening", "open", "handshake"],
    ]);
  });

  it("ignores a second open()", () => {
    const rig = createRig();
    rig.engine.open();
    rig.engine.open();
    expect(rig.created).toHaveLength(1);
  });

  it("builds URLs with EIO, transport, query and sid", () => {
    const rig = createRig({ transports: ["polling", "websocket"], query: { token: "a b", EIO: "3", t: "x" }, path: "/rt/" });
    rig.engine.open();
    expect(rig.last("polling").url).toBe("http://example.test/rt/?EIO=4&transport=polling&token=a%20b");
    rig.last("polling").receive(openPacket("s/1"));
    expect(rig.last("websocket").url).toBe("ws://example.test/rt/?EIO=4&transport=websocket&token=a%20b&sid=s%2F1");
  });

  it("adds a changing cache-buster when timestampRequests is on", () => {
    const rig = createRig({ transports: ["polling", "websocket"], timestampRequests: true });
    rig.engine.open();
    rig.last("polling").receive(openPacket("s"));
    const stamps = [rig.last("polling").url, rig.last("websocket").url].map((u) => /&t=([0-9a-z]+)$/.exec(u)?.[1]);
    expect(stamps[0]).toBeTruthy();
    expect(stamps[1]).toBeTruthy();
    expect(stamps[0]).not.toBe(stamps[1]);
  });

  it("queues sends made before open and flushes them in order after the handshake", () => {
    const rig = createRig({ transports: ["websocket"] });
    expect(rig.engine.send(["a"])).toBe(true);
    rig.engine.open();
    expect(rig.engine.send(["b", new Uint8Array([1])])).toBe(true);
    const ws = rig.last("websocket");
    expect(ws.written).toEqual([]);
    rig.engine.onOpen = () => rig.engine.send(["c"]);
    ws.receive(openPacket("s", []));
    expect(ws.written).toEqual([
      { type: "message", data: "a" },
      { type: "message", data: "b" },
      { type: "message", data: new Uint8Array([1]) },
      { type: "message", data: "c" },
    ]);
  });

  it("delivers messages, ignores noop", () => {
    const rig = createRig({ transports: ["websocket"] });
    rig.engine.open();
    const ws = rig.last("websocket");
    ws.receive(openPacket("s", []), { type: "message", data: "x" }, { type: "noop" }, { type: "message", data: new Uint8Array([7]) });
    expect(rig.messages).toEqual(["x", new Uint8Array([7])]);
  });

  it("drops volatile sends when not writable, keeps others queued in order", () => {
    const rig = createRig({ transports: ["polling"], upgrade: false });
    expect(rig.engine.send(["v0"], { volatile: true })).toBe(false);
    rig.engine.open();
    const polling = rig.last("polling");
    polling.receive(openPacket("s", []));
    expect(rig.engine.send(["a"], { volatile: true })).toBe(true); // writable: goes out in a POST
    expect(polling.busy).toBe(true);
    expect(rig.engine.send(["v1"], { volatile: true })).toBe(false); // POST in flight
    expect(rig.engine.send(["b"])).toBe(true);
    polling.drain();
    expect(polling.written.map((p) => p.data)).toEqual(["a", "b"]);
  });

  it("batches polling writes and continues on drain", () => {
    const rig = createRig({ transports: ["polling"], upgrade: false });
    rig.engine.open();
    const polling = rig.last("polling");
    polling.receive(openPacket("s", []));
    rig.engine.send(["1"]);
    rig.engine.send(["2", "3", "4", "5"]);
    polling.drain();
    polling.drain();
    expect(polling.writes.map((w) => w.map((p) => p.data))).toEqual([["1"], ["2", "3", "4"], ["5"]]);
  });

  it("close() is idempotent, reports once, and closes polling gracefully", () => {
    const rig = createRig({ transports: ["polling"], upgrade: false });
    rig.engine.open();
    const polling = rig.last("polling");
    polling.receive(openPacket("s", []));
    rig.engine.close();
    rig.engine.close();
    expect(rig.closes).toEqual([{ reason: "io client disconnect" }]);
    expect(polling.closed).toBe("graceful");
    expect(rig.engine.state).toBe("closed");
    expect(rig.engine.send(["late"])).toBe(false);
    polling.receive({ type: "message", data: "stale" });
    expect(rig.messages).toEqual([]);
    expect(rig.clock.pending).toBe(0);
  });

  it("close() hands packets still queued behind an in-flight POST to the graceful close, in order", () => {
    const rig = createRig({ transports: ["polling"], upgrade: false });
    rig.engine.open();
    const polling = rig.last("polling");
    polling.receive(openPacket("s", []));
    rig.engine.send(["a"]); // leaves in a POST
    rig.engine.send(["b", "c"]); // queued: the POST is in flight
    rig.engine.close();
    expect(polling.written.map((p) => p.data)).toEqual(["a"]);
    expect(polling.closed).toBe("graceful");
    expect(polling.farewell.map((p) => p.data)).toEqual(["b", "c"]);
  });

  it("close() while opening reports io client disconnect and tears down without a close packet", () => {
    const rig = createRig({ transports: ["polling"] });
    rig.engine.open();
    rig.engine.close();
    expect(rig.closes).toEqual([{ reason: "io client disconnect" }]);
    expect(rig.last("polling").closed).toBe(true);
    expect(rig.clock.pending).toBe(0);
  });

  it("maps a server close packet to transport close, with the retryAfterMs hint", () => {
    const rig = createRig({ transports: ["websocket"] });
    rig.engine.open();
    rig.last("websocket").receive(openPacket("s", []), { type: "close", data: '{"retryAfterMs":2500}' });
    expect(rig.closes).toEqual([{ reason: "transport close", detail: { retryAfterMs: 2500 } }]);
    const plain = createRig({ transports: ["websocket"] });
    plain.engine.open();
    plain.last("websocket").receive(openPacket("s", []), { type: "close" });
    expect(plain.closes).toEqual([{ reason: "transport close" }]);
  });

  it("reports a transport error after open with its detail, once", () => {
    const rig = createRig();
    rig.engine.open();
    const ws = rig.last("websocket");
    ws.receive(openPacket("s", []));
    ws.fail("transport error", { status: 500 });
    ws.fail("transport close");
    expect(rig.closes).toEqual([{ reason: "transport error", detail: { status: 500 } }]);
    expect(rig.created).toHaveLength(1); // no fallback once open
  });

  it("closes with parse error on an invalid handshake", () => {
    const rig = createRig({ transports: ["websocket"] });
    rig.engine.open();
    rig.last("websocket").receive({ type: "open", data: '{"sid":1}' });
    expect(rig.closes[0]?.reason).toBe("parse error");
    expect(rig.closes[0]?.detail?.error).toMatchObject({ code: "BAD_HANDSHAKE" });
  });

  it("reports NO_TRANSPORT asynchronously for an empty transports list", async () => {
    const rig = createRig({ transports: [] });
    rig.engine.open();
    expect(rig.closes).toEqual([]);
    await Promise.resolve();
    expect(rig.closes[0]?.reason).toBe("transport error");
    expect(rig.closes[0]?.detail?.error).toMatchObject({ code: "NO_TRANSPORT" });
  });

  it("a handler that closes the engine inside onOpen stops further work", () => {
    const rig = createRig({ transports: ["polling"] });
    rig.engine.onOpen = () => rig.engine.close();
    rig.engine.open();
    rig.last("polling").receive(openPacket("s"));
    expect(rig.closes).toEqual([{ reason: "io client disconnect" }]);
    expect(rig.created).toHaveLength(1); // no probe started
  });
});
