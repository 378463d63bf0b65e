import { connect } from "@cometa/client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHAT_NAMESPACE, type ChatMessage, type ClientToServer, type ServerToClient } from "../src/shared/events.js";
import type { ChatTestSocket } from "./chat-harness.js";
import { nextEvent } from "./chat-harness.js";
import { assertBuilt, freePort, startChatProcess } from "./chat-process.js";
import { redisTestsRun, startRedis } from "./redis-process.js";

// Without redis-server the suite is skipped locally, but fails under CI=true (startRedis rejects).
describe.skipIf(!redisTestsRun)("several chat instances sharing rooms through Redis (REDIS_URL)", () => {
  let disposers: (() => Promise<unknown> | unknown)[] = [];
  beforeAll(() => assertBuilt());
  afterEach(async () => {
    const pending = disposers.reverse();
    disposers = [];
    for (const dispose of pending) await dispose();
  });

  const client = (url: string, name: string): Promise<ChatTestSocket> => {
    const socket = connect<ServerToClient, ClientToServer>(`${url}${CHAT_NAMESPACE}`, {
      auth: { name },
      forceNew: true,
      transports: ["websocket"],
      reconnection: false,
    });
    disposers.push(() => socket.disconnect());
    return new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", reject);
    });
  };

  it("delivers messages, presence and typing across instances", async () => {
    const redis = await startRedis(await freePort());
    disposers.push(() => redis.stop());
    const [a, b] = await Promise.all([
      startChatProcess(await freePort(), { REDIS_URL: redis.url }),
      startChatProcess(await freePort(), { REDIS_URL: redis.url }),
    ]);
    disposers.push(() => a.kill("SIGKILL"), () => b.kill("SIGKILL"));
    expect(a.output()).toContain(`rooms shared through Redis at ${redis.url}`);

    const ada = await client(a.url, "Ada");
    const bob = await client(b.url, "Bob");
    expect(await ada.emitWithAck("join", "general")).toMatchObject({ ok: true, members: ["Ada"] });
    const presence = nextEvent(ada, "presence");
    // fetchSockets() spans the instances: Bob, on B, sees Ada, on A.
    expect(await bob.emitWithAck("join", "general")).toMatchObject({ ok: true, members: ["Ada", "Bob"] });
    expect((await presence)[0]).toMatchObject({ name: "Bob", present: true, members: ["Ada", "Bob"] });

    const typing = nextEvent(ada, "typing");
    bob.emit("typing", "general", true);
    expect((await typing)[0]).toEqual({ room: "general", name: "Bob", typing: true });

    const offsetOf = (socket: ChatTestSocket) =>
      new Promise<[ChatMessage, string | undefined]>((resolve) => socket.once("message", (m) => resolve([m, socket.offset])));
    const received = offsetOf(bob);
    const echo = offsetOf(ada);
    const reply = await ada.emitWithAck("message", { id: "cross-0001", room: "general", text: "across instances" });
    expect(reply.ok).toBe(true);
    const { message, offset } = reply as { message: ChatMessage; offset?: string };
    // Logged in the shared Redis stream: one offset, the same in the ack, on B and in the sender's echo on A.
    expect(offset).toMatch(/^\w+\.\d+-\d+$/);
    expect(await received).toEqual([message, offset]);
    expect(await echo).toEqual([message, offset]);

    // A clean stop closes the Redis connections too: the process exits by itself.
    expect(await a.kill("SIGTERM")).toEqual({ code: 0, signal: null });
  });
});
