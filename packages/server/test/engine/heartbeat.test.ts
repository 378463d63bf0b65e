import { describe, expect, it } from "vitest";
import type { EngineSession } from "../../src/engine/session.js";
import { FakeWsPort, fakeEngine, request, WS_HEADERS } from "./fakes.js";

/** Heartbeat v4 on fake time (PROTOCOL.md §2.6; RELIABILITY W10, R4). */
describe("heartbeat (fake time)", () => {
  const timing = { pingInterval: 1000, pingTimeout: 800 };

  it("WebSocket: pings at pingInterval, closes at pingInterval + pingTimeout without a pong", () => {
    const f = fakeEngine(timing);
    const { port } = f.openWs();
    expect(port.sent).toHaveLength(1); // the open packet
    f.clock.advance(999);
    expect(port.sent).toHaveLength(1);
    f.clock.advance(1);
    expect(port.sent.at(-1)).toBe("2");
    f.clock.advance(799);
    expect(f.closes).toEqual([]);
    f.clock.advance(1);
    expect(f.closes).toEqual(["ping timeout"]);
    expect(port.closed).toEqual({ code: 1000, reason: "ping timeout" });
    expect(f.engine.clientsCount).toBe(0);
  });

  it("WebSocket: the next ping comes pingInterval after the pong", () => {
    const f = fakeEngine(timing);
    const { conn, port } = f.openWs();
    f.clock.advance(1000);
    f.clock.advance(300);
    f.wsText(conn, port, "3");
    const sent = port.sent.length;
    f.clock.advance(999);
    expect(port.sent).toHaveLength(sent);
    f.clock.advance(1);
    expect(port.sent.at(-1)).toBe("2");
    // An unsolicited pong (none awaited) does not move the schedule.
    f.wsText(conn, port, "3");
    f.clock.advance(500);
    f.wsText(conn, port, "3");
    const count = port.sent.length;
    f.clock.advance(499);
    expect(port.sent).toHaveLength(count);
    f.clock.advance(1);
    expect(port.sent.at(-1)).toBe("2");
    expect(f.closes).toEqual([]);
  });

  it("polling: the ping waits in the buffer for a GET; no pong closes the session", () => {
    const f = fakeEngine(timing);
    const conn = f.openPolling();
    const get = f.poll(conn.id);
    expect(get.done).toBe(false);
    f.clock.advance(1000);
    expect(get.body).toBe("2");
    f.post(conn.id, "3");
    f.clock.advance(1000);
    expect(f.poll(conn.id).body).toBe("2");
    f.clock.advance(800);
    expect(f.closes).toEqual(["ping timeout"]);
    const after = f.poll(conn.id);
    expect(after.status).toBe("400 Bad Request");
    expect(JSON.parse(after.body)).toEqual({ code: 1, message: "Session ID unknown" });
  });

  it("shares one clock timer between all sessions", () => {
    // 1000 sessions from one fake address: past the default per-address cap.
    const f = fakeEngine({ ...timing, maxConnectionsPerIp: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 500; i++) f.openWs();
    for (let i = 0; i < 500; i++) f.openPolling();
    expect(f.clock.pending).toBe(1);
    f.clock.advance(1800);
    expect(f.closes).toHaveLength(1000);
    expect(f.clock.pending).toBe(0);
  });

  it("checks a subscriber's backlog every pingInterval, even while waiting for a slow pong", () => {
    const f = fakeEngine({ pingInterval: 100, pingTimeout: 10_000, backpressureHardLimit: 1000, maxBackpressure: 500 });
    const { port } = f.openWs();
    f.clock.advance(100); // ping sent, pong due at 10 100
    port.buffered = 5000; // publishes piled up behind a reader that stopped
    f.clock.advance(100);
    expect(f.closes).toEqual(["slow consumer"]);
    expect(port.closed).toEqual({ code: 0, reason: "slow consumer" });
  });
});

describe("timeouts (fake time)", () => {
  it("closes an upgrade probe after upgradeTimeout and stays on polling", () => {
    const f = fakeEngine({ upgradeTimeout: 500 });
    const conn = f.openPolling() as EngineSession;
    const decision = f.engine.checkUpgrade(request(`EIO=4&transport=websocket&sid=${conn.id}`, "get", WS_HEADERS));
    if (decision instanceof Promise || !decision.accept) throw new Error("refused");
    const probe = new FakeWsPort();
    probe.onClosed = () => f.engine.socketClosed(conn, probe);
    expect(f.engine.openSocket(probe, decision.ticket)).toBe(conn);
    expect(conn.state).toBe("upgrading");
    f.clock.advance(499);
    expect(probe.closed).toBeNull();
    f.clock.advance(1);
    expect(probe.closed).not.toBeNull();
    expect(conn.state).toBe("open");
    expect(conn.transport).toBe("polling");
  });

  it("a server close with no GET parked waits closeTimeout for a GET, then forgets the session", () => {
    const f = fakeEngine({ closeTimeout: 3000, pingInterval: 60_000 });
    const a = f.openPolling();
    const b = f.openPolling();
    a.close();
    b.close();
    expect(f.closes).toEqual(["forced close", "forced close"]);
    expect((a as EngineSession).state).toBe("closing");
    expect(f.engine.clientsCount).toBe(0);
    expect(f.poll(a.id).body).toBe("1");
    expect((a as EngineSession).state).toBe("closed");
    f.clock.advance(3000);
    expect((b as EngineSession).state).toBe("closed");
    expect(JSON.parse(f.poll(b.id).body)).toEqual({ code: 1, message: "Session ID unknown" });
  });
});
