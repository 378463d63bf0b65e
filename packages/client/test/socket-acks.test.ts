import { PacketType } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import type { ClientError } from "../src/errors.js";
import { connected, events, setup } from "./harness.js";

describe("Socket: events and acks", () => {
  it("sends EVENT packets and dispatches incoming events, with catch-all listeners", () => {
    const env = setup();
    const socket = connected(env);
    const seen: unknown[][] = [];
    socket.onAny((...args) => seen.push(["any", ...args]));
    socket.prependAny((...args) => seen.push(["first", ...args]));
    socket.on("greet", (...args: unknown[]) => seen.push(["greet", ...args]));
    socket.onAnyOutgoing((...args) => seen.push(["out", ...args]));
    socket.emit("hello", "x", 1);
    socket.send("plain");
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["greet", { a: 1 }] });
    expect(events(env.engine()).map((p) => p.data)).toEqual([["hello", "x", 1], ["message", "plain"]]);
    expect(seen).toEqual([
      ["out", "hello", "x", 1],
      ["out", "message", "plain"],
      ["first", "greet", { a: 1 }],
      ["any", "greet", { a: 1 }],
      ["greet", { a: 1 }],
    ]);
    socket.offAny();
    socket.offAnyOutgoing();
    expect(socket.listenersAny()).toEqual([]);
    expect(socket.listenersAnyOutgoing()).toEqual([]);
  });

  it("on/once/off behave like an event emitter", () => {
    const env = setup();
    const socket = connected(env);
    const seen: string[] = [];
    const listener = (x: string) => seen.push(`on:${x}`);
    socket.on("e", listener);
    socket.once("e", (x: string) => seen.push(`once:${x}`));
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["e", "1"] });
    socket.off("e", listener);
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["e", "2"] });
    expect(seen).toEqual(["on:1", "once:1"]);
    expect(socket.hasListeners("e")).toBe(false);
  });

  it("off() of a once listener before it fires, and listeners() lists the application's functions", () => {
    const env = setup();
    const socket = connected(env);
    const seen: string[] = [];
    const once = (x: string) => seen.push(`once:${x}`);
    const on = (x: string) => seen.push(`on:${x}`);
    socket.once("e", once).on("e", on);
    expect(socket.listeners("e")).toEqual([once, on]);
    socket.off("e", once);
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["e", "1"] });
    expect(seen).toEqual(["on:1"]);
  });

  it("off() without arguments removes the event listeners, not the catch-all ones or state observers", () => {
    const env = setup();
    const socket = connected(env);
    const seen: string[] = [];
    socket.on("e", () => seen.push("e"));
    socket.onAny((event: string) => seen.push(`any:${event}`));
    socket.onStateChange(({ to }) => seen.push(`state:${to}`));
    socket.off();
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["e"] });
    socket.disconnect();
    expect(seen).toEqual(["any:e", "state:inactive"]);
    expect(socket.hasListeners("e")).toBe(false);
  });

  it("calls an ack callback with the server's reply, once", () => {
    const env = setup();
    const socket = connected(env);
    const replies: unknown[][] = [];
    socket.emit("save", { doc: 1 }, (...reply: unknown[]) => replies.push(reply));
    const [packet] = events(env.engine());
    expect(packet?.id).toBe(0);
    env.engine().deliver({ type: PacketType.ACK, nsp: "/", id: 0, data: ["ok", 7] });
    env.engine().deliver({ type: PacketType.ACK, nsp: "/", id: 0, data: ["again"] });
    expect(replies).toEqual([["ok", 7]]);
  });

  it("answers server acks once, on the same namespace and id", () => {
    const env = setup();
    const socket = connected(env, "/chat");
    socket.on("ask", (q: string, reply: (a: string) => void) => {
      reply(`${q}!`);
      reply("twice");
    });
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/chat", id: 12, data: ["ask", "why"] });
    const acks = env.engine().packets.filter((p) => p.type === PacketType.ACK);
    expect(acks).toEqual([{ type: PacketType.ACK, nsp: "/chat", id: 12, data: ["why!"] }]);
  });

  it("emitWithAck resolves with the first reply argument", async () => {
    const env = setup();
    const socket = connected(env);
    const result = socket.emitWithAck("sum", 1, 2);
    const id = events(env.engine())[0]?.id;
    env.engine().deliver({ type: PacketType.ACK, nsp: "/", id, data: [3] });
    await expect(result).resolves.toBe(3);
  });

  it("timeout(ms) gives an err-first callback and fails with ACK_TIMEOUT on expiry; late acks are ignored", () => {
    const env = setup();
    const socket = connected(env);
    const calls: unknown[][] = [];
    socket.timeout(1000).emit("slow", (...args: unknown[]) => calls.push(args));
    socket.timeout(1000).emit("fast", (...args: unknown[]) => calls.push(args));
    const [slow, fast] = events(env.engine());
    env.engine().deliver({ type: PacketType.ACK, nsp: "/", id: fast?.id, data: ["done"] });
    expect(calls).toEqual([[null, "done"]]);
    env.clock.advance(999);
    expect(calls).toHaveLength(1);
    env.clock.advance(1);
    expect(calls).toHaveLength(2);
    const err = calls[1]?.[0] as ClientError;
    expect(err.code).toBe("ACK_TIMEOUT");
    env.engine().deliver({ type: PacketType.ACK, nsp: "/", id: slow?.id, data: ["late"] });
    expect(calls).toHaveLength(2);
  });

  it("timeout() does not leak its flag into later plain emits, and can be kept and reused", async () => {
    const env = setup();
    const socket = connected(env);
    const quick = socket.timeout(500);
    const a = quick.emitWithAck("a");
    socket.emit("b", () => {});
    const b = quick.emitWithAck("c");
    env.clock.advance(500);
    await expect(a).rejects.toMatchObject({ code: "ACK_TIMEOUT" });
    await expect(b).rejects.toMatchObject({ code: "ACK_TIMEOUT" });
    expect(env.clock.pending).toEqual([]); // the plain ack has no timer
  });

  it("ackTimeout applies to every emit with an ack", async () => {
    const env = setup();
    const socket = connected(env, "/", { ackTimeout: 2000 });
    const result = socket.emitWithAck("x");
    env.clock.advance(2000);
    await expect(result).rejects.toMatchObject({ code: "ACK_TIMEOUT" });
  });

  it("fails pending error-first acks with DISCONNECTED when the connection drops", async () => {
    const env = setup();
    const socket = connected(env);
    const pending = socket.emitWithAck("x");
    let plainCalled = false;
    socket.emit("y", () => {
      plainCalled = true;
    });
    env.engine().drop();
    await expect(pending).rejects.toMatchObject({ code: "DISCONNECTED" });
    expect(plainCalled).toBe(false);
  });

  it("reports an emitWithAck of a reserved name as a rejection", async () => {
    const env = setup();
    const socket = connected(env);
    await expect(socket.emitWithAck("connect" as string)).rejects.toMatchObject({ code: "RESERVED_EVENT" });
  });

  it("ack ids count up per socket", () => {
    const env = setup();
    const socket = connected(env);
    for (let i = 0; i < 3; i++) socket.emit("e", () => {});
    expect(events(env.engine()).map((p) => p.id)).toEqual([0, 1, 2]);
  });
});
