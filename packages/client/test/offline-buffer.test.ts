import { PacketType } from "@cometa/protocol";
import { describe, expect, it, vi } from "vitest";
import { createOutbox } from "../src/outbox.js";
import { FakeClock } from "./fake-clock.js";
import { acceptConnect, connected, events, setup } from "./harness.js";

describe("Outbox offline buffer", () => {
  it("is a bounded FIFO that refuses the newest emit when full, and frees the place of an expired one", () => {
    const clock = new FakeClock();
    const sent: unknown[] = [];
    let online = false;
    const outbox = createOutbox(
      { nsp: "/", isConnected: () => online, transmit: (packet) => sent.push(packet.data) > 0 },
      { offlineBufferSize: 2 },
      clock,
      () => 0,
    );
    const failures: string[] = [];
    const ack = (err: { code: string } | null) => failures.push(err?.code ?? "ok");
    outbox.emit("e", [1, ack], { timeout: 100 }, true);
    outbox.emit("e", [2], {}, false);
    outbox.emit("e", [3, ack], {}, true);
    expect(failures).toEqual(["OFFLINE_BUFFER_FULL"]);
    clock.advance(100); // the first emit's ack expires: its packet leaves the buffer
    expect(failures).toEqual(["OFFLINE_BUFFER_FULL", "ACK_TIMEOUT"]);
    outbox.emit("e", [4], {}, false);
    expect(outbox.size).toBe(2);
    online = true;
    outbox.onConnected();
    expect(sent).toEqual([
      ["e", 2],
      ["e", 4],
    ]);
    expect(outbox.size).toBe(0);
  });
});

describe("Socket: offline buffer", () => {
  it("queues emits made before the first connection and sends them in order after CONNECT", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    socket.emit("a", 1);
    socket.emit("b", 2);
    env.engine().accept();
    socket.emit("c", 3); // engine open, namespace not joined yet: still buffered
    expect(events(env.engine())).toEqual([]);
    expect(socket.bufferedCount).toBe(3);
    acceptConnect(env.engine());
    expect(events(env.engine()).map((p) => p.data)).toEqual([["a", 1], ["b", 2], ["c", 3]]);
    expect(socket.bufferedCount).toBe(0);
  });

  it("keeps emits made while reconnecting and sends them after the rejoin, before `connect` listeners run", () => {
    const env = setup();
    const socket = connected(env);
    env.engine().drop();
    for (let i = 0; i < 5; i++) socket.emit("n", i);
    env.clock.next();
    const engine = env.engine();
    engine.accept();
    let sentAtConnect = -1;
    socket.on("connect", () => {
      sentAtConnect = events(engine).length;
    });
    acceptConnect(engine, "/", "sid-2");
    expect(events(engine).map((p) => p.data)).toEqual([0, 1, 2, 3, 4].map((i) => ["n", i]));
    expect(sentAtConnect).toBe(5);
  });

  it("refuses emits beyond offlineBufferSize and fails their error-first acks with OFFLINE_BUFFER_FULL", async () => {
    const env = setup();
    const socket = env.manager.socket("/", { offlineBufferSize: 3 });
    for (let i = 0; i < 3; i++) socket.emit("n", i);
    const refused = socket.timeout(60_000).emitWithAck("n", 3);
    socket.emit("n", 4); // no ack: dropped
    await expect(refused).rejects.toMatchObject({ code: "OFFLINE_BUFFER_FULL" });
    env.engine().accept();
    acceptConnect(env.engine());
    expect(events(env.engine()).map((p) => p.data)).toEqual([["n", 0], ["n", 1], ["n", 2]]);
  });

  it("drops a buffered packet whose ack timed out, so it is never sent late", async () => {
    const env = setup();
    const socket = env.manager.socket("/");
    const expired = socket.timeout(1000).emitWithAck("old");
    socket.emit("kept");
    env.clock.advance(1000);
    await expect(expired).rejects.toMatchObject({ code: "ACK_TIMEOUT" });
    env.engine().accept();
    acceptConnect(env.engine());
    expect(events(env.engine()).map((p) => p.data)).toEqual([["kept"]]);
  });

  it("keeps acks of still-buffered packets across a disconnection", async () => {
    const env = setup();
    const socket = connected(env);
    env.engine().drop();
    const later = socket.emitWithAck("q");
    env.clock.next();
    env.engine().accept();
    acceptConnect(env.engine(), "/", "sid-2");
    const [packet] = events(env.engine());
    env.engine().deliver({ type: PacketType.ACK, nsp: "/", id: packet?.id, data: ["a"] });
    await expect(later).resolves.toBe("a");
  });

  it("drops volatile emits while disconnected and when the transport is not writable", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    socket.volatile.emit("v0");
    env.engine().accept();
    acceptConnect(env.engine());
    socket.volatile.emit("v1");
    env.engine().writable = false;
    socket.volatile.emit("v2");
    socket.emit("n3");
    env.engine().drop();
    socket.volatile.emit("v4");
    expect(events(env.engine()).map((p) => p.data)).toEqual([["v1"], ["n3"]]);
    expect(socket.bufferedCount).toBe(0);
  });

  it("re-buffers a non-volatile packet the engine refused, and sends it after reconnection", () => {
    const env = setup();
    const socket = connected(env);
    const engine = env.engine();
    engine.closed = true; // closing, its onClose not delivered yet
    socket.emit("refused");
    expect(socket.bufferedCount).toBe(1);
    engine.closed = false;
    engine.drop();
    env.clock.next();
    env.engine().accept();
    acceptConnect(env.engine(), "/", "sid-2");
    expect(events(env.engine()).map((p) => p.data)).toEqual([["refused"]]);
  });

  it("buffers events received before the CONNECT reply and dispatches them after it; the offline buffer's size does not bound them", () => {
    const env = setup();
    const socket = env.manager.socket("/", { offlineBufferSize: 2 });
    const got: number[] = [];
    socket.on("e", (n: number) => got.push(n));
    env.engine().accept();
    for (let i = 0; i < 3; i++) env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["e", i] });
    expect(got).toEqual([]);
    acceptConnect(env.engine());
    // A recovery replay arrives this way; its own bound (10 000) is in recovery-replay.test.ts.
    expect(got).toEqual([0, 1, 2]);
  });
});

describe("Socket: binary", () => {
  it("hands ArrayBuffer, typed arrays and DataView to the codec as they are (every codec sends them as binary)", () => {
    const env = setup();
    const socket = connected(env);
    const bytes = new Uint8Array([1, 2, 3, 4]);
    socket.emit("bin", bytes.buffer, new Uint16Array(bytes.buffer, 2, 1), new DataView(bytes.buffer, 1, 2), { nested: [bytes] });
    const [packet] = events(env.engine());
    expect(packet?.data).toEqual([
      "bin",
      new Uint8Array([1, 2, 3, 4]),
      new Uint8Array([3, 4]),
      new Uint8Array([2, 3]),
      { nested: [new Uint8Array([1, 2, 3, 4])] },
    ]);
  });

  it("reads Blobs before sending, keeping emit order", async () => {
    const env = setup();
    const socket = connected(env);
    socket.emit("first");
    socket.emit("blob", new Blob([new Uint8Array([9, 8])]));
    socket.emit("after");
    expect(events(env.engine()).map((p) => p.data?.[0 as never])).toEqual(["first"]);
    await vi.waitFor(() =>
      expect(events(env.engine()).map((p) => p.data)).toEqual([["first"], ["blob", new Uint8Array([9, 8])], ["after"]]),
    );
  });

  it("delivers received binary as Uint8Array", () => {
    const env = setup();
    const socket = connected(env);
    let got: unknown;
    socket.on("file", (data: unknown) => {
      got = data;
    });
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["file", new Uint8Array([5, 6])] });
    expect(got).toEqual(new Uint8Array([5, 6]));
  });
});
