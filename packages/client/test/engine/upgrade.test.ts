import { describe, expect, it } from "vitest";
import { PROBE_RETRY_MS } from "../../src/engine/client-engine.js";
import { createRig, openPacket, type Rig } from "./fake-transport.js";

/** Opens on polling (Socket.IO order) and returns the polling and probe transports. */
function openOnPolling(rig: Rig) {
  rig.engine.open();
  const polling = rig.last("polling");
  polling.receive(openPacket("s"));
  const probe = rig.last("websocket");
  return { polling, probe };
}

describe("upgrade from polling to WebSocket", () => {
  it("probes, pauses polling, sends 5 and then the queued packets on WebSocket in order", () => {
    const rig = createRig({ transports: ["polling", "websocket"] });
    const { polling, probe } = openOnPolling(rig);
    expect(probe.url).toContain("transport=websocket");
    expect(probe.url).toContain("sid=s");

    rig.engine.send(["a"]); // goes out on polling (POST in flight)
    probe.open();
    expect(probe.written).toEqual([{ type: "ping", data: "probe" }]);
    rig.engine.send(["b"]); // queued behind the in-flight POST
    probe.receive({ type: "pong", data: "probe" });
    expect(rig.engine.state).toBe("upgrading");
    expect(polling.paused).toBe(true);
    rig.engine.send(["c"]);
    polling.receive({ type: "message", data: "from-poll" }, { type: "noop" });
    expect(probe.written).toHaveLength(1); // waiting for the POST to finish
    polling.drain();

    expect(polling.written.map((p) => p.data)).toEqual(["a"]);
    expect(probe.written).toEqual([
      { type: "ping", data: "probe" },
      { type: "upgrade" },
      { type: "message", data: "b" },
      { type: "message", data: "c" },
    ]);
    expect(polling.closed).toBe(true); // silently: no close packet
    expect(rig.engine.transport).toBe("websocket");
    expect(rig.transports).toEqual(["polling", "websocket"]);
    expect(rig.messages).toEqual(["from-poll"]);
    expect(rig.states.slice(-2).map((s) => s.reason)).toEqual(["probe succeeded", "upgraded"]);

    probe.receive({ type: "message", data: "from-ws" });
    polling.receive({ type: "message", data: "stale" });
    expect(rig.messages).toEqual(["from-poll", "from-ws"]);
    expect(rig.clock.pending).toBe(1); // only the heartbeat
  });

  it("answers pings during the upgrade after switching", () => {
    const rig = createRig({ transports: ["polling", "websocket"] });
    const { polling, probe } = openOnPolling(rig);
    probe.open();
    polling.busy = true;
    probe.receive({ type: "pong", data: "probe" });
    polling.receive({ type: "ping" });
    polling.drain();
    expect(probe.written.slice(1)).toEqual([{ type: "upgrade" }, { type: "pong" }]);
  });

  it("keeps polling and retries with backoff when the probe fails", () => {
    const rig = createRig({ transports: ["polling", "websocket"], timeout: 20_000 });
    const { polling, probe } = openOnPolling(rig);
    probe.fail("transport error");
    expect(rig.engine.state).toBe("open");
    expect(rig.engine.transport).toBe("polling");
    rig.engine.send(["x"]);
    expect(polling.written.map((p) => p.data)).toEqual(["x"]);

    // Keep the connection alive with pings while waiting.
    const keepAlive = (ms: number) => {
      for (let t = 0; t < ms; t += 100) {
        polling.receive({ type: "ping" });
        polling.drain();
        rig.clock.advance(100);
      }
    };
    keepAlive(PROBE_RETRY_MS - 100);
    expect(rig.created).toHaveLength(2);
    keepAlive(100);
    expect(rig.created).toHaveLength(3);
    // The second probe times out (no 3probe within 10 s), the next retry waits twice as long.
    keepAlive(10_000);
    expect(rig.last("websocket").closed).toBe(true);
    keepAlive(2 * PROBE_RETRY_MS - 100);
    expect(rig.created).toHaveLength(3);
    keepAlive(100);
    expect(rig.created).toHaveLength(4);
    expect(rig.closes).toEqual([]);
  });

  it("resumes polling and flushes the queue there when the probe dies during the pause", () => {
    const rig = createRig({ transports: ["polling", "websocket"] });
    const { polling, probe } = openOnPolling(rig);
    probe.open();
    rig.engine.send(["a"]);
    probe.receive({ type: "pong", data: "probe" });
    rig.engine.send(["b"]);
    probe.fail("transport close");
    expect(rig.engine.state).toBe("open");
    expect(polling.resumed).toBe(1);
    expect(polling.paused).toBe(false);
    polling.drain();
    expect(polling.written.map((p) => p.data)).toEqual(["a", "b"]);
    expect(rig.states.at(-1)?.reason).toBe("probe failed");
  });

  it("fails the probe on an unexpected packet", () => {
    const rig = createRig({ transports: ["polling", "websocket"] });
    const { probe } = openOnPolling(rig);
    probe.open();
    probe.receive({ type: "message", data: "nope" });
    expect(probe.closed).toBe(true);
    expect(rig.engine.transport).toBe("polling");
    expect(rig.messages).toEqual([]);
  });

  it("does not probe when upgrade is off, the server offers no upgrade, or websocket is not allowed", () => {
    for (const [overrides, upgrades] of [
      [{ transports: ["polling", "websocket"], upgrade: false }, ["websocket"]],
      [{ transports: ["polling", "websocket"] }, []],
      [{ transports: ["polling"] }, ["websocket"]],
    ] as const) {
      const rig = createRig(overrides);
      rig.engine.open();
      rig.last("polling").receive(openPacket("s", [...upgrades]));
      rig.clock.advance(60_000);
      expect(rig.created.map((t) => t.name)).toEqual(["polling"]);
    }
  });

  it("closing during the upgrade closes both transports gracefully and reports once", () => {
    const rig = createRig({ transports: ["polling", "websocket"] });
    const { polling, probe } = openOnPolling(rig);
    probe.open();
    polling.busy = true;
    probe.receive({ type: "pong", data: "probe" });
    rig.engine.close();
    expect(polling.closed).toBe("graceful");
    expect(probe.closed).toBe(true);
    polling.drain();
    expect(probe.written).toEqual([{ type: "ping", data: "probe" }]);
    expect(rig.closes).toEqual([{ reason: "io client disconnect" }]);
    expect(rig.clock.pending).toBe(0);
  });
});
