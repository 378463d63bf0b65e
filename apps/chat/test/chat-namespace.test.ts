import { textCodec } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import type { ChatMessage, JoinReply, SendReply } from "../src/shared/events.js";
import { collect, nextEvent, useChat } from "./chat-harness.js";

const ok = <T extends { ok: boolean }>(reply: T): Extract<T, { ok: true }> => {
  expect(reply).toMatchObject({ ok: true });
  return reply as Extract<T, { ok: true }>;
};

describe("/chat namespace", () => {
  const chat = useChat();

  it("refuses a connection without a valid name, with a code in CONNECT_ERROR data", async () => {
    const app = await chat.start();
    for (const auth of [{}, { name: "" }, { name: "x".repeat(25) }, { name: "<script>" }, { name: 42 }]) {
      const err = await chat.refused(app, auth);
      expect(err.data).toMatchObject({ ok: false, code: "INVALID_NAME" });
    }
  });

  it("joins a room: history and members in the ack, presence to the others", async () => {
    const app = await chat.start();
    const ada = await chat.client(app, "  Ada   Lovelace ");
    const first = ok(await ada.emitWithAck("join", "#General"));
    expect(first).toEqual({ ok: true, room: "general", history: [], members: ["Ada Lovelace"] });

    const bob = await chat.client(app, "Bob");
    const presence = nextEvent(ada, "presence");
    const joined = ok(await bob.emitWithAck("join", "general"));
    expect(joined.members).toEqual(["Ada Lovelace", "Bob"]);
    expect((await presence)[0]).toEqual({ room: "general", name: "Bob", present: true, members: ["Ada Lovelace", "Bob"] });
  });

  it("acks a stored message with its offset and broadcasts it to the room only (sender included), once", async () => {
    let clock = 1_700_000_000_000;
    const app = await chat.start({ now: () => clock });
    const [ada, bob, cat] = await Promise.all([chat.client(app, "Ada"), chat.client(app, "Bob"), chat.client(app, "Cat")]);
    await Promise.all([ada.emitWithAck("join", "general"), bob.emitWithAck("join", "general"), cat.emitWithAck("join", "other")]);
    const adaGot: [ChatMessage, string | undefined][] = [];
    ada.on("message", (message) => adaGot.push([message, ada.offset]));
    const catGot = collect(cat, "message");
    const received = new Promise<[ChatMessage, string | undefined]>((resolve) => bob.once("message", (m) => resolve([m, bob.offset])));

    clock += 5;
    const reply = ok(await ada.emitWithAck("message", { id: "draft-0001", room: "general", text: "  hello  " }));
    const stored: ChatMessage = { id: "draft-0001", room: "general", from: "Ada", text: "hello", at: clock };
    expect(reply.message).toEqual(stored);
    expect(reply.offset).toMatch(/^\w+\.\w+$/);
    // Everyone in the room gets it with the offset the sender's ack carries (read-your-writes).
    expect(await received).toEqual([stored, reply.offset]);

    // A retransmission (same sender and id, e.g. the first ack was lost) is acked with the stored copy and the same
    // offset, not re-sent. (Sent without `retries`, so with no message id: the store answers it, not the server's retry window.)
    clock += 5;
    const again = ok(await ada.emitWithAck("message", { id: "draft-0001", room: "general", text: "hello" }));
    expect(again).toEqual({ ok: true, message: stored, offset: reply.offset });
    const history = ok(await cat.emitWithAck("join", "general")).history;
    expect(history).toEqual([stored]);
    // A round trip on Bob's connection: anything broadcast before it has arrived.
    await Promise.all([ada.emitWithAck("join", "general"), bob.emitWithAck("join", "general")]);
    expect(adaGot).toEqual([[stored, reply.offset]]);
    expect(catGot).toEqual([]);
  });

  it("replies with a code to bad drafts and bad rooms, and stays up", async () => {
    const app = await chat.start();
    const ada = await chat.client(app, "Ada");
    const bad: [unknown, string][] = [
      [{ id: "draft-0001", room: "general", text: "   " }, "INVALID_MESSAGE"],
      [{ id: "draft-0001", room: "general", text: "x".repeat(2001) }, "INVALID_MESSAGE"],
      [{ id: "no", room: "general", text: "hi" }, "INVALID_MESSAGE"],
      [{ id: "draft-0001", room: "Not A Room!", text: "hi" }, "INVALID_ROOM"],
      ["just a string", "INVALID_MESSAGE"],
      [null, "INVALID_MESSAGE"],
    ];
    for (const [draft, code] of bad) {
      const reply = (await ada.emitWithAck("message", draft as never)) as SendReply;
      expect(reply).toMatchObject({ ok: false, code });
    }
    const room = (await ada.emitWithAck("join", "../etc" as string)) as JoinReply;
    expect(room).toMatchObject({ ok: false, code: "INVALID_ROOM" });
    ok(await ada.emitWithAck("join", "general"));
  });

  it("posting to a room joins it (queued messages can arrive before the page's joins after a restart)", async () => {
    const app = await chat.start();
    const ada = await chat.client(app, "Ada");
    ok(await ada.emitWithAck("message", { id: "draft-0002", room: "lobby", text: "first" }));
    const joined = ok(await ada.emitWithAck("join", "lobby"));
    expect(joined.members).toEqual(["Ada"]);
    expect(joined.history.map((m) => m.text)).toEqual(["first"]);
  });

  it("puts a (re)connecting client in the rooms of its auth payload", async () => {
    const app = await chat.start();
    const bob = await chat.client(app, "Bob");
    ok(await bob.emitWithAck("join", "general"));
    const presence = nextEvent(bob, "presence");
    await chat.client(app, "Ada", { auth: { name: "Ada", rooms: ["general", "Bad Room", 7] } });
    expect((await presence)[0]).toMatchObject({ room: "general", name: "Ada", present: true });
  });

  it("relays typing notices to the other members of the room only", async () => {
    const app = await chat.start();
    const [ada, bob] = await Promise.all([chat.client(app, "Ada"), chat.client(app, "Bob")]);
    await Promise.all([ada.emitWithAck("join", "general"), bob.emitWithAck("join", "general")]);
    const adaGot = collect(ada, "typing");
    const typing = nextEvent(bob, "typing");
    ada.emit("typing", "elsewhere", true); // not a member: dropped
    ada.emit("typing", "general", "yes" as unknown as boolean); // not a boolean: dropped
    ada.emit("typing", "general", true);
    expect((await typing)[0]).toEqual({ room: "general", name: "Ada", typing: true });
    await ada.emitWithAck("join", "general");
    expect(adaGot).toEqual([]);
  });

  it("announces a departure with the remaining members, keeping a name that has another tab open", async () => {
    const app = await chat.start();
    const [ada, adaTab, bob] = await Promise.all([chat.client(app, "Ada"), chat.client(app, "Ada"), chat.client(app, "Bob")]);
    for (const socket of [ada, adaTab, bob]) ok(await socket.emitWithAck("join", "general"));

    let presence = nextEvent(bob, "presence");
    adaTab.disconnect();
    expect((await presence)[0]).toEqual({ room: "general", name: "Ada", present: false, members: ["Ada", "Bob"] });

    presence = nextEvent(bob, "presence");
    ada.emit("leave", "general");
    expect((await presence)[0]).toEqual({ room: "general", name: "Ada", present: false, members: ["Bob"] });
  });

  it("limits how fast one socket can post", async () => {
    const app = await chat.start({ now: () => 0 });
    const ada = await chat.client(app, "Ada");
    const replies: SendReply[] = [];
    for (let i = 0; i < 21; i++) {
      replies.push(await ada.emitWithAck("message", { id: `draft-${String(i).padStart(4, "0")}`, room: "general", text: "spam" }));
    }
    expect(replies.slice(0, 20).every((reply) => reply.ok)).toBe(true);
    expect(replies[20]).toMatchObject({ ok: false, code: "RATE_LIMITED" });
  });

  it("speaks the text parser too (codec auto), for official socket.io clients", async () => {
    const app = await chat.start();
    const ada = await chat.client(app, "Ada", { codec: textCodec });
    expect(ok(await ada.emitWithAck("join", "general")).room).toBe("general");
  });
});
