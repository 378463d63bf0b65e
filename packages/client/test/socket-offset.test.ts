import { createServer } from "@cometa/server";
import { PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { connect, type Socket } from "../src/index.js";
import { acceptConnect, setup } from "./harness.js";

/** `socket.offset`: the recovery offset of the event being dispatched, then of the last one dispatched. */
describe("Socket: offset (read-your-writes)", () => {
  const event = (data: unknown[], id?: number) => ({ type: PacketType.EVENT, nsp: "/", data, ...(id === undefined ? {} : { id }) });

  it("is the offset of the event inside its listener, and of the last event afterwards", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    const seen: [unknown, string | undefined][] = [];
    socket.on("news", (value: unknown) => seen.push([value, socket.offset]));
    socket.on("ask", (value: unknown) => seen.push([value, socket.offset]));
    env.engine().accept();
    acceptConnect(env.engine(), "/", "s1", "p1");
    expect(socket.offset).toBeUndefined();
    env.engine().deliver(event(["news", 1, ""])); // "none yet": stays undefined
    env.engine().deliver(event(["news", 2, "e.1"]));
    env.engine().deliver(event(["news", 3, "e.2"]));
    env.engine().deliver(event(["ask", "q", "not-an-offset"], 7)); // with an ack id: no offset of its own
    expect(seen).toEqual([
      [1, undefined],
      [2, "e.1"],
      [3, "e.2"],
      ["q", "e.2"],
    ]);
    expect(socket.offset).toBe("e.2");
  });

  it("moves with events replayed before CONNECT only as each is dispatched", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    const seen: (string | undefined)[] = [];
    socket.on("news", () => seen.push(socket.offset));
    env.engine().accept();
    acceptConnect(env.engine(), "/", "s1", "p1");
    env.engine().deliver(event(["news", "e.1"]));
    env.engine().drop();
    env.clock.next();
    env.engine().accept();
    env.engine().deliver(event(["news", "e.2"])); // missed event, replayed before the CONNECT reply: waits
    expect(socket.offset).toBe("e.1");
    acceptConnect(env.engine(), "/", "s1", "p1");
    expect(seen).toEqual(["e.1", "e.2"]);
    expect(socket.offset).toBe("e.2");
  });

  it("stays undefined without recovery (no pid): a trailing string is an argument", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    const seen: unknown[][] = [];
    socket.on("news", (...args: unknown[]) => seen.push([...args, socket.offset]));
    env.engine().accept();
    acceptConnect(env.engine(), "/", "s1");
    env.engine().deliver(event(["news", "e.1"]));
    expect(seen).toEqual([["e.1", undefined]]);
    expect(socket.offset).toBeUndefined();
  });
});

describe("Socket: offset against our server (emitWithOffset)", () => {
  // biome-ignore lint/suspicious/noExplicitAny: the test scripts an untyped server
  let io: any;
  let sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets) socket.io.close();
    sockets = [];
    await io?.close();
  });

  it("the offset a handler acks with is the offset the sender's echo carries", async () => {
    io = createServer({ connectionStateRecovery: true });
    io.on("connection", (socket: { join(room: string): void; on(e: string, f: (...a: never[]) => void): void }) => {
      socket.join("lobby");
      socket.on("say", async (text: string, ack: (offset: string | undefined) => void) => {
        ack(await io.to("lobby").emitWithOffset("said", text));
      });
    });
    const { port } = await io.listen(0, "127.0.0.1");
    const socket = connect(`http://127.0.0.1:${port}`, { transports: ["websocket"], forceNew: true });
    sockets.push(socket);
    const echoes: [unknown[], string | undefined][] = [];
    socket.on("said", (...args: unknown[]) => echoes.push([args, socket.offset]));
    await new Promise((resolve) => socket.once("connect", () => resolve(undefined)));
    const first = await socket.emitWithAck("say", "one");
    const second = await socket.emitWithAck("say", "two");
    expect(typeof first).toBe("string");
    expect(second).not.toBe(first);
    // One instance: the broadcast leaves before the ack, so both echoes are in by now.
    expect(echoes).toEqual([
      [["one"], first],
      [["two"], second],
    ]);
    expect(socket.offset).toBe(second);
  });
});
