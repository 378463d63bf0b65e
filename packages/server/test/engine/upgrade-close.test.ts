import { describe, expect, it } from "vitest";
import type { EngineSession } from "../../src/engine/session.js";
import { FakeWsPort, fakeEngine, request, WS_HEADERS } from "./fakes.js";

/**
 * A server close while the client switches to its probed WebSocket: the client
 * has stopped polling (it got `3probe`), so what was queued and the close must
 * go out on the WebSocket once `5` arrives, as the reference drains its buffer
 * before closing (bug: they used to be dropped with the probe).
 */
describe("server close during an upgrade (fake platform)", () => {
  function upgrading(options: Parameters<typeof fakeEngine>[0] = {}) {
    const f = fakeEngine({ upgradeTimeout: 500, pingInterval: 60_000, ...options });
    const conn = f.openPolling() as EngineSession;
    const decision = f.engine.checkUpgrade(request(`EIO=4&transport=websocket&sid=${conn.id}`, "get", WS_HEADERS));
    if (decision instanceof Promise || !decision.accept) throw new Error("refused");
    const probe = new FakeWsPort();
    probe.onClosed = () => f.engine.socketClosed(conn, probe);
    expect(f.engine.openSocket(probe, decision.ticket)).toBe(conn);
    const probed = () => {
      f.wsText(conn, probe, "2probe");
      expect(probe.sent).toEqual(["3probe"]);
    };
    return { f, conn, probe, probed };
  }

  it("after 3probe: closed for the app at once, then `5` flushes the queue on the WebSocket and closes it", () => {
    const { f, conn, probe, probed } = upgrading();
    probed();
    conn.send(["last words", new Uint8Array([7])]);
    conn.close();
    expect(f.closes).toEqual(["forced close"]);
    expect(conn.state).toBe("closing");
    expect(f.engine.clientsCount).toBe(0);
    expect(probe.closed).toBeNull();
    expect(conn.send(["too late"])).toBe(false);
    f.wsText(conn, probe, "5");
    expect(probe.sent).toEqual(["3probe", "4last words", new Uint8Array([7])]);
    expect(probe.closed).toEqual({ code: 1000, reason: "forced close" });
    expect(conn.state).toBe("closed");
    expect(conn.ws).toBeNull();
    expect(JSON.parse(f.poll(conn.id).body)).toEqual({ code: 1, message: "Session ID unknown" });
    expect(f.closes).toEqual(["forced close"]);
  });

  it("keeps the close reason: a slow consumer's backlog is dropped and its socket cut", () => {
    const { f, conn, probe, probed } = upgrading();
    probed();
    conn.send(["backlog"]);
    conn.close("slow consumer");
    f.wsText(conn, probe, "5");
    expect(probe.sent).toEqual(["3probe"]);
    expect(probe.closed).toEqual({ code: 0, reason: "slow consumer" });
    expect(f.closes).toEqual(["slow consumer"]);
  });

  it("ends the session when the upgrade then times out", () => {
    const { f, conn, probe, probed } = upgrading();
    probed();
    conn.send(["lost"]);
    conn.close();
    f.clock.advance(499);
    expect(conn.state).toBe("closing");
    f.clock.advance(1);
    expect(probe.closed).toEqual({ code: 1000, reason: "upgrade aborted" });
    expect(conn.state).toBe("closed");
    expect(f.closes).toEqual(["forced close"]);
  });

  it("ends the session when the probe closes first", () => {
    const { f, conn, probe, probed } = upgrading();
    probed();
    conn.close();
    probe.close(1006, "");
    expect(conn.state).toBe("closed");
    expect(JSON.parse(f.poll(conn.id).body)).toEqual({ code: 1, message: "Session ID unknown" });
  });

  it("still serves a GET that comes anyway: the queue, then the close packet", () => {
    const { f, conn, probe, probed } = upgrading();
    probed();
    conn.send(["queued"]);
    conn.close();
    expect(f.poll(conn.id).body).toBe("4queued");
    expect(f.poll(conn.id).body).toBe("1");
    expect(conn.state).toBe("closed");
    expect(probe.closed).toEqual({ code: 1000, reason: "upgrade aborted" });
  });

  it("before 2probe the client still polls: the probe is dropped and the next GETs carry the queue and the close", () => {
    const { f, conn, probe } = upgrading();
    conn.send(["queued"]);
    conn.close();
    expect(probe.closed).toEqual({ code: 1000, reason: "upgrade aborted" });
    expect(f.poll(conn.id).body).toBe("4queued");
    expect(f.poll(conn.id).body).toBe("1");
    expect(conn.state).toBe("closed");
  });

  it("a close the client caused (not told to it) ends the session and the probe at once", () => {
    const { f, conn, probe, probed } = upgrading();
    probed();
    conn.close("transport error");
    expect(conn.state).toBe("closed");
    expect(probe.closed).toEqual({ code: 1000, reason: "upgrade aborted" });
    expect(f.closes).toEqual(["transport error"]);
  });

  it("a shutdown closes the lingering probe too", async () => {
    const { f, conn, probe, probed } = upgrading();
    probed();
    conn.close();
    await f.engine.close();
    expect(conn.state).toBe("closed");
    expect(probe.closed).toEqual({ code: 1000, reason: "upgrade aborted" });
  });
});
