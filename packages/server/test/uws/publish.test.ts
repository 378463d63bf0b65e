import { afterEach, describe, expect, it } from "vitest";
import { type EngineHarness, parked, pollingHandshake, pollQuery, startEngine, wsHandshake } from "../engine/harness.js";

/** Topic publish: WebSocket subscribers through the platform, polling subscribers queued. */
describe("publish", () => {
  let h: EngineHarness;
  afterEach(() => h.close());

  it("reaches WebSocket and polling subscribers, frames in order, and nobody else", async () => {
    h = await startEngine();
    const ws = await wsHandshake(h);
    const other = await wsHandshake(h);
    const { sid } = await pollingHandshake(h);
    const [wsConn, , pollConn] = h.connections;
    wsConn!.subscribe("room");
    pollConn!.subscribe("room");
    pollConn!.subscribe("room");
    h.engine.publish("room", ['2["news"]', new Uint8Array([1, 2, 3])]);
    expect([await ws.socket.next(), await ws.socket.next()]).toEqual(['42["news"]', Buffer.from([1, 2, 3])]);
    expect(await (await fetch(h.url(pollQuery(sid)))).text()).toBe('42["news"]\x1ebAQID');
    other.socket.ws.send("4ping-self");
    expect(await other.socket.next()).toBe("4ping-self");
  });

  it("stops after unsubscribe and after close", async () => {
    h = await startEngine();
    const ws = await wsHandshake(h);
    const { sid } = await pollingHandshake(h);
    const [wsConn, pollConn] = h.connections;
    for (const c of [wsConn!, pollConn!]) c.subscribe("a");
    wsConn!.unsubscribe("a");
    pollConn!.unsubscribe("a");
    h.engine.publish("a", ["nope"]);
    pollConn!.send(["direct"]);
    expect(await (await fetch(h.url(pollQuery(sid)))).text()).toBe("4direct");
    ws.socket.ws.send("4echo");
    expect(await ws.socket.next()).toBe("4echo");
    pollConn!.subscribe("a");
    pollConn!.close();
    h.engine.publish("a", ["after close"]);
    expect(await (await fetch(h.url(pollQuery(sid)))).text()).toBe("1");
  });

  it("answers a parked GET at once; volatile publishes skip polling sessions with no GET parked", async () => {
    h = await startEngine();
    const { sid } = await pollingHandshake(h);
    const conn = h.connections[0]!;
    conn.subscribe("t");
    h.engine.publish("t", ["dropped"], { volatile: true });
    const pending = fetch(h.url(pollQuery(sid)));
    await parked(conn);
    h.engine.publish("t", ["kept"], { volatile: true });
    expect(await (await pending).text()).toBe("4kept");
  });
});
