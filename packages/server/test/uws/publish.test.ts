import { afterEach, describe, expect, it } from "vitest";
import {
  type EngineHarness,
  openSocket,
  parked,
  pollingHandshake,
  pollQuery,
  startEngine,
  wsHandshake,
} from "../engine/harness.js";

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

  describe("from a connection (every subscriber but the sender)", () => {
    it("skips a WebSocket sender natively and reaches WebSocket and polling subscribers", async () => {
      h = await startEngine();
      const sender = await wsHandshake(h);
      const peer = await wsHandshake(h);
      const { sid } = await pollingHandshake(h);
      const [senderConn, peerConn, pollConn] = h.connections;
      for (const conn of [senderConn!, peerConn!, pollConn!]) conn.subscribe("room");
      senderConn!.publish!("room", ['2["hi"]', new Uint8Array([4, 5])]);
      expect([await peer.socket.next(), await peer.socket.next()]).toEqual(['42["hi"]', Buffer.from([4, 5])]);
      expect(await (await fetch(h.url(pollQuery(sid)))).text()).toBe('42["hi"]\x1ebBAU=');
      // The sender got nothing: the next frame it sees is its own echo.
      sender.socket.ws.send("4echo");
      expect(await sender.socket.next()).toBe("4echo");
    });

    it("works for a sender that is not subscribed, and skips a polling sender", async () => {
      h = await startEngine();
      const outsider = await wsHandshake(h);
      const member = await wsHandshake(h);
      const a = await pollingHandshake(h);
      const b = await pollingHandshake(h);
      const [outsiderConn, memberConn, aConn, bConn] = h.connections;
      for (const conn of [memberConn!, aConn!, bConn!]) conn.subscribe("room");
      outsiderConn!.publish!("room", ["from outside"]);
      expect(await member.socket.next()).toBe("4from outside");
      aConn!.publish!("room", ["from a"]);
      expect(await member.socket.next()).toBe("4from a");
      expect(await (await fetch(h.url(pollQuery(b.sid)))).text()).toBe("4from outside\x1e4from a");
      expect(await (await fetch(h.url(pollQuery(a.sid)))).text()).toBe("4from outside");
      outsider.socket.ws.send("4echo");
      expect(await outsider.socket.next()).toBe("4echo");
    });

    it("skips the sender while it upgrades and after, and still publishes once it closed", async () => {
      h = await startEngine();
      const peer = await wsHandshake(h);
      const { sid } = await pollingHandshake(h);
      const [peerConn, conn] = h.connections;
      peerConn!.subscribe("room");
      conn!.subscribe("room");
      const probe = await openSocket(h.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));
      probe.ws.send("2probe");
      expect(await probe.next()).toBe("3probe");
      conn!.publish!("room", ["upgrading"]);
      expect(await peer.socket.next()).toBe("4upgrading");
      probe.ws.send("5");
      probe.ws.send("4sync");
      expect(await probe.next()).toBe("4sync");
      conn!.publish!("room", ["upgraded"]);
      expect(await peer.socket.next()).toBe("4upgraded");
      probe.ws.send("4sync again");
      expect(await probe.next()).toBe("4sync again");
      conn!.close();
      conn!.publish!("room", ["after close"]);
      expect(await peer.socket.next()).toBe("4after close");
    });

    it("honours volatile for polling subscribers", async () => {
      h = await startEngine();
      await wsHandshake(h);
      const { sid } = await pollingHandshake(h);
      const [senderConn, pollConn] = h.connections;
      pollConn!.subscribe("t");
      senderConn!.publish!("t", ["dropped"], { volatile: true });
      const pending = fetch(h.url(pollQuery(sid)));
      await parked(pollConn!);
      senderConn!.publish!("t", ["kept"], { volatile: true });
      expect(await (await pending).text()).toBe("4kept");
    });
  });
});
