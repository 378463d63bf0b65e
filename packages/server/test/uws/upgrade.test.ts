import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { EngineSession } from "../../src/engine/session.js";
import {
  type EngineHarness,
  openSocket,
  parked,
  pollingHandshake,
  pollQuery,
  startEngine,
  type TestSocket,
} from "../engine/harness.js";

/** Polling → WebSocket upgrade (PROTOCOL.md §2.7). */
describe("upgrade", () => {
  let h: EngineHarness;
  afterEach(() => h.close());

  const get = (sid: string) => fetch(h.url(pollQuery(sid)));
  const probeSocket = (sid: string) => openSocket(h.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));

  async function probe(socket: TestSocket): Promise<void> {
    socket.ws.send("2probe");
    expect(await socket.next()).toBe("3probe");
  }

  it("runs the full sequence: 2probe/3probe, noop to the parked GET, 5, then WebSocket only", async () => {
    h = await startEngine();
    const { sid } = await pollingHandshake(h);
    const conn = h.connections[0]!;
    const pending = get(sid);
    await parked(conn);
    const socket = await probeSocket(sid);
    expect((conn as EngineSession).state).toBe("upgrading");
    await probe(socket);
    expect(await (await pending).text()).toBe("6");
    socket.ws.send("5");
    socket.ws.send("4hello");
    expect(await socket.next()).toBe("4hello");
    expect(conn.transport).toBe("websocket");
    expect(await (await get(sid)).json()).toEqual({ code: 3, message: "Bad request" });
    const post = await fetch(h.url(pollQuery(sid)), { method: "POST", body: "4x" });
    expect(post.status).toBe(400);
    expect(h.engine.clientsCount).toBe(1);
  });

  it("answers a GET that arrives after the probe with a noop at once", async () => {
    h = await startEngine();
    const { sid } = await pollingHandshake(h);
    const socket = await probeSocket(sid);
    await probe(socket);
    expect(await (await get(sid)).text()).toBe("6");
    socket.ws.send("5");
    socket.ws.send("4hi");
    expect(await socket.next()).toBe("4hi");
  });

  it("flushes packets buffered during the upgrade on the WebSocket, in order, binary as binary", async () => {
    h = await startEngine();
    const { sid } = await pollingHandshake(h);
    const conn = h.connections[0]!;
    const socket = await probeSocket(sid);
    await probe(socket);
    expect(conn.send(["one", new Uint8Array([1, 2])])).toBe(true);
    expect(conn.send(["volatile"], { volatile: true })).toBe(false);
    conn.send(["two"]);
    socket.ws.send("5");
    expect([await socket.next(), await socket.next(), await socket.next()]).toEqual(["4one", Buffer.from([1, 2]), "4two"]);
  });

  it("refuses a second WebSocket for the same sid, during and after the upgrade, before upgrading", async () => {
    h = await startEngine();
    const { sid } = await pollingHandshake(h);
    const socket = await probeSocket(sid);
    const refusedStatus = () =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(h.wsUrl(`EIO=4&transport=websocket&sid=${sid}`));
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("error", () => {});
      });
    expect(await refusedStatus()).toBe(400);
    await probe(socket);
    socket.ws.send("5");
    socket.ws.send("4x");
    expect(await socket.next()).toBe("4x");
    expect(await refusedStatus()).toBe(400);
    socket.ws.send("4still");
    expect(await socket.next()).toBe("4still");
  });

  it("closes the probe after upgradeTimeout; the session stays on polling", async () => {
    h = await startEngine({ upgradeTimeout: 80 });
    const { sid } = await pollingHandshake(h);
    const started = performance.now();
    const socket = await probeSocket(sid);
    await socket.closed;
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    const conn = h.connections[0] as EngineSession;
    expect(conn.state).toBe("open");
    expect(conn.transport).toBe("polling");
    await fetch(h.url(pollQuery(sid)), { method: "POST", body: "4back" });
    expect(await (await get(sid)).text()).toBe("4back");
  });

  it.each([
    ["5 before the probe", ["5"]],
    ["a message on the probe", ["2probe", "4x"]],
    ["a binary frame", [new Uint8Array([1])]],
  ])("closes the probe on %s; the session stays on polling", async (_name, frames) => {
    h = await startEngine();
    const { sid } = await pollingHandshake(h);
    const socket = await probeSocket(sid);
    for (const frame of frames) socket.ws.send(frame);
    await socket.closed;
    expect(h.connections[0]!.transport).toBe("polling");
    expect((h.connections[0] as EngineSession).state).toBe("open");
    expect(h.closes).toEqual([]);
  });

  it("stays on polling when the probe goes away, and may upgrade again", async () => {
    h = await startEngine();
    const { sid } = await pollingHandshake(h);
    const first = await probeSocket(sid);
    await probe(first);
    first.ws.terminate();
    await expect.poll(() => (h.connections[0] as EngineSession).state).toBe("open");
    const second = await probeSocket(sid);
    await probe(second);
    second.ws.send("5");
    second.ws.send("4again");
    expect(await second.next()).toBe("4again");
  });

  it("keeps topic subscriptions across the upgrade", async () => {
    h = await startEngine();
    const { sid } = await pollingHandshake(h);
    const conn = h.connections[0]!;
    conn.subscribe("room");
    h.engine.publish("room", ["on polling"]);
    expect(await (await get(sid)).text()).toBe("4on polling");
    const socket = await probeSocket(sid);
    await probe(socket);
    socket.ws.send("5");
    socket.ws.send("4sync");
    expect(await socket.next()).toBe("4sync");
    h.engine.publish("room", ["on websocket", new Uint8Array([7])]);
    expect([await socket.next(), await socket.next()]).toEqual(["4on websocket", Buffer.from([7])]);
    conn.unsubscribe("room");
    h.engine.publish("room", ["gone"]);
    socket.ws.send("4after");
    expect(await socket.next()).toBe("4after");
  });

  it("drains on the WebSocket when the server closes after 3probe: queued packets, then the close", async () => {
    h = await startEngine();
    const { sid } = await pollingHandshake(h);
    const conn = h.connections[0]!;
    const socket = await probeSocket(sid);
    await probe(socket);
    // The client has stopped polling for the switch: only the WebSocket can still reach it.
    conn.send(["bye", new Uint8Array([9])]);
    conn.close();
    expect(await h.nextClose()).toMatchObject({ reason: "forced close" });
    socket.ws.send("5");
    expect([await socket.next(), await socket.next()]).toEqual(["4bye", Buffer.from([9])]);
    expect(await socket.closed).toEqual({ code: 1000, reason: "forced close" });
    expect(h.engine.clientsCount).toBe(0);
    expect(await (await get(sid)).json()).toEqual({ code: 1, message: "Session ID unknown" });
  });

  it("keeps the heartbeat running through the upgrade", async () => {
    h = await startEngine({ pingInterval: 50, pingTimeout: 1000 });
    const { sid } = await pollingHandshake(h);
    const socket = await probeSocket(sid);
    await probe(socket);
    socket.ws.send("5");
    expect(await socket.next()).toBe("2");
    socket.ws.send("3");
    expect(await socket.next()).toBe("2");
  });
});
