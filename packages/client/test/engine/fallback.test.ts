import { describe, expect, it } from "vitest";
import { createTransportMemory } from "../../src/engine/transport-memory.js";
import { createFakeClock } from "./fake-clock.js";
import { createRig, openPacket } from "./fake-transport.js";

describe("fallback from WebSocket to polling", () => {
  it("falls back within the same open() when the WebSocket fails before the open packet", () => {
    const rig = createRig();
    rig.engine.send(["early"]);
    rig.engine.open();
    const ws = rig.last("websocket");
    ws.fail("transport error");
    expect(rig.engine.state).toBe("opening");
    const polling = rig.last("polling");
    polling.receive(openPacket("s"));
    expect(rig.closes).toEqual([]);
    expect(rig.engine.transport).toBe("polling");
    expect(rig.transports).toEqual(["polling"]);
    expect(polling.written).toEqual([{ type: "message", data: "early" }]);
  });

  it("also falls back when the WebSocket closes before the open packet", () => {
    const rig = createRig();
    rig.engine.open();
    rig.last("websocket").open();
    rig.last("websocket").fail("transport close");
    expect(rig.last("polling")).toBeDefined();
  });

  it("falls back on handshake timeout after half the connect timeout, then times out polling at the full one", () => {
    const rig = createRig({ timeout: 1000 });
    rig.engine.open();
    rig.clock.advance(499);
    expect(rig.created).toHaveLength(1);
    rig.clock.advance(1);
    expect(rig.last("websocket").closed).toBe(true);
    expect(rig.last("polling")).toBeDefined();
    rig.clock.advance(499);
    expect(rig.closes).toEqual([]);
    rig.clock.advance(1);
    expect(rig.closes[0]?.reason).toBe("transport error");
    expect(rig.closes[0]?.detail?.error).toMatchObject({ code: "HANDSHAKE_TIMEOUT" });
  });

  it("gives a fallback after a quick failure what is left of the timeout", () => {
    const rig = createRig({ timeout: 1000 });
    rig.engine.open();
    rig.clock.advance(100);
    rig.last("websocket").fail("transport error");
    rig.clock.advance(899);
    expect(rig.closes).toEqual([]);
    rig.clock.advance(1);
    expect(rig.closes[0]?.detail?.error).toMatchObject({ code: "HANDSHAKE_TIMEOUT" });
  });

  it.each([0, Number.POSITIVE_INFINITY])("arms no handshake timer for timeout %s", (timeout) => {
    const rig = createRig({ timeout });
    rig.engine.open();
    expect(rig.clock.pending).toBe(0);
    rig.last("websocket").fail("transport error");
    expect(rig.clock.pending).toBe(0);
  });

  it("does not fall back when WebSocket is the only transport", () => {
    const rig = createRig({ transports: ["websocket"] });
    rig.engine.open();
    rig.last("websocket").fail("transport error", { status: 400 });
    expect(rig.closes).toEqual([{ reason: "transport error", detail: { status: 400 } }]);
    expect(rig.created).toHaveLength(1);
  });

  it("reports the polling failure when both transports fail, without marking WebSocket as blocked", () => {
    const rig = createRig();
    rig.engine.open();
    rig.last("websocket").fail("transport error");
    rig.last("polling").fail("transport error", { status: 503, retryAfterMs: 5000 });
    expect(rig.closes).toEqual([{ reason: "transport error", detail: { status: 503, retryAfterMs: 5000 } }]);
    expect(rig.memory.webSocketFailed("http://example.test/socket.io/")).toBe(false);
  });

  it("remembers a WebSocket failure for the origin so the next engine starts on polling", () => {
    const clock = createFakeClock();
    const memory = createTransportMemory(clock, 60_000, new Map());
    const first = createRig({}, { clock, memory });
    first.engine.open();
    first.last("websocket").fail("transport error");
    first.last("polling").receive(openPacket("s", []));
    first.engine.close();

    const second = createRig({}, { clock, memory });
    second.engine.open();
    expect(second.created.map((t) => t.name)).toEqual(["polling"]);
    second.last("polling").receive(openPacket("s2", ["websocket"], 60_000, 60_000));
    // WebSocket is still probed later, with a delay, not at once.
    expect(second.created).toHaveLength(1);
    clock.advance(10_000);
    expect(second.created.map((t) => t.name)).toEqual(["polling", "websocket"]);
    second.engine.close();

    // The memory expires.
    clock.advance(60_000);
    const third = createRig({}, { clock, memory });
    third.engine.open();
    expect(third.created.map((t) => t.name)).toEqual(["websocket"]);
  });

  it("a forced single transport ignores the memory", () => {
    const clock = createFakeClock();
    const memory = createTransportMemory(clock, undefined, new Map());
    memory.remember("http://example.test/socket.io/", true);
    const rig = createRig({ transports: ["websocket"] }, { clock, memory });
    rig.engine.open();
    expect(rig.created.map((t) => t.name)).toEqual(["websocket"]);
  });

  it("a successful WebSocket handshake clears the memory", () => {
    const clock = createFakeClock();
    const memory = createTransportMemory(clock, undefined, new Map());
    memory.remember("http://example.test/socket.io/", true);
    const rig = createRig({ transports: ["websocket"] }, { clock, memory });
    rig.engine.open();
    rig.last("websocket").receive(openPacket("s", []));
    expect(memory.webSocketFailed("http://example.test/socket.io/")).toBe(false);
  });
});
