import { PacketType } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import type { ClientError } from "../src/errors.js";
import { acceptConnect, connected, events, setup } from "./harness.js";

const ack = (id: number | undefined, ...data: unknown[]) => ({ type: PacketType.ACK, nsp: "/", id, data });

describe("Socket: retries", () => {
  it("keeps one packet in flight and sends the next only after the ack", async () => {
    const env = setup();
    const socket = connected(env, "/", { retries: 2, ackTimeout: 1000 });
    const a = socket.emitWithAck("a");
    const b = socket.emitWithAck("b");
    expect(events(env.engine()).map((p) => p.data)).toEqual([["a"]]);
    env.engine().deliver(ack(events(env.engine())[0]?.id, "A"));
    expect(events(env.engine()).map((p) => p.data)).toEqual([["a"], ["b"]]);
    env.engine().deliver(ack(events(env.engine())[1]?.id, "B"));
    await expect(a).resolves.toBe("A");
    await expect(b).resolves.toBe("B");
  });

  it("retransmits on timeout with a new ack id and the same mid, then fails with RETRIES_EXHAUSTED", () => {
    const env = setup();
    const socket = connected(env, "/", { retries: 2, ackTimeout: 1000 });
    const results: unknown[][] = [];
    socket.emit("save", "doc", (...args: unknown[]) => results.push(args));
    socket.emit("next");
    env.clock.advance(1000);
    env.clock.advance(1000);
    const sent = events(env.engine());
    expect(sent.map((p) => p.data?.[0 as never])).toEqual(["save", "save", "save"]);
    expect(new Set(sent.map((p) => p.id)).size).toBe(3);
    expect(new Set(sent.map((p) => p.mid)).size).toBe(1);
    expect(sent[0]?.mid).toMatch(/^[0-9a-z]{10}\.[0-9a-z]+$/);
    expect(results).toEqual([]);
    env.clock.advance(1000);
    expect(results).toHaveLength(1);
    const err = results[0]?.[0] as ClientError;
    expect(err.code).toBe("RETRIES_EXHAUSTED");
    expect((err.cause as ClientError).code).toBe("ACK_TIMEOUT");
    // The queue moved on, with a fresh mid.
    const next = events(env.engine()).at(-1);
    expect(next?.data).toEqual(["next"]);
    expect(next?.mid).not.toBe(sent[0]?.mid);
  });

  it("passes the ack reply err-first on success, and ignores a late ack for a superseded transmission", () => {
    const env = setup();
    const socket = connected(env, "/", { retries: 3, ackTimeout: 1000 });
    const results: unknown[][] = [];
    socket.emit("x", (...args: unknown[]) => results.push(args));
    env.clock.advance(1000);
    const [first, second] = events(env.engine());
    env.engine().deliver(ack(first?.id, "late"));
    expect(results).toEqual([]);
    env.engine().deliver(ack(second?.id, "ok"));
    expect(results).toEqual([[null, "ok"]]);
  });

  it("queues while disconnected and resends the in-flight head after reconnection with the same mid, without counting a try", () => {
    const env = setup();
    const socket = connected(env, "/", { retries: 1, ackTimeout: 1000 });
    const results: unknown[][] = [];
    socket.emit("a", (...args: unknown[]) => results.push(args));
    const mid = events(env.engine())[0]?.mid;
    env.engine().drop();
    socket.emit("b");
    expect(results).toEqual([]);
    expect(socket.bufferedCount).toBe(2);
    env.clock.next(); // reconnect
    env.engine().accept();
    acceptConnect(env.engine(), "/", "sid-2");
    const resent = events(env.engine());
    expect(resent.map((p) => [p.data, p.mid])).toEqual([[["a"], mid]]);
    // One timeout is still allowed (retries: 1) since the disconnection did not count.
    env.clock.advance(1000);
    expect(results).toEqual([]);
    const third = events(env.engine())[1];
    expect(third?.mid).toBe(mid);
    env.engine().deliver(ack(third?.id, "done"));
    expect(results).toEqual([[null, "done"]]);
    expect(events(env.engine()).at(-1)?.data).toEqual(["b"]);
  });

  it("sends volatile emits directly, outside the queue", () => {
    const env = setup();
    const socket = connected(env, "/", { retries: 2, ackTimeout: 1000 });
    socket.emit("queued", () => {});
    socket.volatile.emit("v");
    expect(events(env.engine()).map((p) => [p.data, p.mid === undefined])).toEqual([
      [["queued"], false],
      [["v"], true],
    ]);
  });

  it("bounds the queue and refuses the newest with OFFLINE_BUFFER_FULL", async () => {
    const env = setup();
    const socket = env.manager.socket("/", { retries: 1, offlineBufferSize: 2 });
    socket.emit("a");
    socket.emit("b");
    await expect(socket.emitWithAck("c")).rejects.toMatchObject({ code: "OFFLINE_BUFFER_FULL" });
  });
});
