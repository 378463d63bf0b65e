import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { EngineSession } from "../../src/engine/session.js";
import { type EngineHarness, pollingHandshake, pollQuery, startEngine, wsHandshake } from "../engine/harness.js";

const CHUNK = "x".repeat(64 * 1024);
const BIG = "y".repeat(1024 * 1024);

/** Stop reading on the client's TCP socket: the server's send buffer then fills up. */
function stopReading(ws: { _socket?: Socket }): void {
  ws._socket!.pause();
}

/** Bounded send buffers, volatile drops and slow-consumer cut-off (RELIABILITY R2, F8, promise 6). */
describe("backpressure", () => {
  let h: EngineHarness;
  afterEach(() => h.close());

  it("drops volatile packets for a backed-up socket, then cuts it as a slow consumer", async () => {
    h = await startEngine({ maxBackpressure: 128 * 1024, backpressureHardLimit: 1024 * 1024 });
    const { socket } = await wsHandshake(h);
    stopReading(socket.ws as unknown as { _socket: Socket });
    const conn = h.connections[0] as EngineSession;
    const buffered = () => h.engine.ws.bufferedAmount(conn.ws!);
    // Fill the kernel buffers, then the platform's, until the soft limit is passed.
    for (let i = 0; i < 2000 && buffered() <= 128 * 1024; i++) expect(conn.send([CHUNK])).toBe(true);
    expect(buffered()).toBeGreaterThan(128 * 1024);
    expect(conn.send(["volatile"], { volatile: true })).toBe(false);
    expect(conn.state).toBe("open");
    let accepted = 0;
    while (conn.send([CHUNK])) accepted++;
    expect(accepted).toBeLessThan(20);
    expect(await h.nextClose()).toMatchObject({ reason: "slow consumer" });
    expect(conn.ws).toBeNull();
  });

  it("cuts a publish subscriber that stopped reading at its next heartbeat step; others keep receiving", async () => {
    // A long pingTimeout: the cut must come from the backpressure check, not the heartbeat.
    h = await startEngine({ pingInterval: 50, pingTimeout: 60_000, backpressureHardLimit: 256 * 1024 });
    const slow = await wsHandshake(h);
    const fast = await wsHandshake(h);
    for (const conn of h.connections) conn.subscribe("room");
    stopReading(slow.socket.ws as unknown as { _socket: Socket });
    // Keep the reading client alive through the heartbeat.
    fast.socket.ws.on("message", (data) => {
      if (data.toString() === "2") fast.socket.ws.send("3");
    });
    const nextMessage = async () => {
      for (;;) {
        const m = await fast.socket.next();
        if (m !== "2") return m;
      }
    };
    // Publish at the pace of the reading client until the other one's backlog passes the hard limit.
    const slowSession = h.connections[0] as EngineSession;
    const slowPort = slowSession.ws!;
    for (let i = 0; i < 500 && slowSession.state === "open" && h.engine.ws.bufferedAmount(slowPort) <= 256 * 1024; i++) {
      h.engine.publish("room", [BIG]);
      expect(await nextMessage()).toBe(`4${BIG}`);
    }
    expect(await h.nextClose()).toMatchObject({ id: slow.sid, reason: "slow consumer" });
    h.engine.publish("room", ["last"]);
    expect(await nextMessage()).toBe("4last");
    expect(h.engine.clientsCount).toBe(1);
  });

  it("bounds a polling session that stopped polling", async () => {
    h = await startEngine({ backpressureHardLimit: 256 * 1024 });
    const { sid } = await pollingHandshake(h);
    const conn = h.connections[0]!;
    let accepted = 0;
    while (conn.send([CHUNK])) accepted++;
    // Four 64 KiB packets pass 256 KiB: the fourth send is refused.
    expect(accepted).toBe(3);
    expect(await h.nextClose()).toMatchObject({ reason: "slow consumer" });
    // The backlog is dropped; the next GET only learns about the close.
    expect(await (await fetch(h.url(pollQuery(sid)))).text()).toBe("1");
  });

  it("drops volatile packets for a polling session with no GET parked", async () => {
    h = await startEngine();
    const { sid } = await pollingHandshake(h);
    const conn = h.connections[0]!;
    expect(conn.send(["v"], { volatile: true })).toBe(false);
    conn.send(["kept"]);
    expect(await (await fetch(h.url(pollQuery(sid)))).text()).toBe("4kept");
  });
});
