import { describe, expect, it } from "vitest";
import { MessageStore } from "../src/server/message-store.js";

describe("MessageStore", () => {
  it("stores drafts with the server time, oldest first, and recognises a retransmission", () => {
    let now = 100;
    const store = new MessageStore(() => now);
    const first = store.add({ id: "aaaaaaaa", room: "general", text: "one" }, "Ada");
    now = 200;
    const second = store.add({ id: "bbbbbbbb", room: "general", text: "two" }, "Ada");
    expect(first).toEqual({
      fresh: true,
      message: { id: "aaaaaaaa", room: "general", from: "Ada", text: "one", at: 100 },
      offset: undefined,
    });
    expect(second.message.at).toBe(200);

    now = 300;
    const again = store.add({ id: "aaaaaaaa", room: "general", text: "one" }, "Ada");
    expect(again).toEqual({ fresh: false, message: first.message, offset: undefined });
    // The same id from someone else is a different message.
    expect(store.add({ id: "aaaaaaaa", room: "general", text: "mine" }, "Bob").fresh).toBe(true);
    expect(store.history("general").map((m) => m.text)).toEqual(["one", "two", "mine"]);
    expect(store.history("empty")).toEqual([]);
  });

  it("acks a retransmission with the offset its first copy was broadcast at", () => {
    const store = new MessageStore(() => 0);
    const { message } = store.add({ id: "aaaaaaaa", room: "general", text: "one" }, "Ada");
    store.placed(message, "e.1");
    expect(store.add({ id: "aaaaaaaa", room: "general", text: "one" }, "Ada")).toEqual({ fresh: false, message, offset: "e.1" });
    // A message no longer stored is not given an offset.
    store.placed({ ...message, id: "zzzzzzzz" }, "e.9");
    expect(store.add({ id: "zzzzzzzz", room: "general", text: "new" }, "Ada").offset).toBeUndefined();
  });

  it("keeps at most historySize messages per room and forgets the dropped ones' ids", () => {
    const store = new MessageStore(() => 0, 3);
    for (const id of ["m0000001", "m0000002", "m0000003", "m0000004"]) store.add({ id, room: "r", text: id }, "Ada");
    expect(store.history("r").map((m) => m.id)).toEqual(["m0000002", "m0000003", "m0000004"]);
    expect(store.add({ id: "m0000001", room: "r", text: "again" }, "Ada").fresh).toBe(true);
  });

  it("returns a copy of the history", () => {
    const store = new MessageStore(() => 0);
    store.add({ id: "aaaaaaaa", room: "r", text: "x" }, "Ada");
    store.history("r").pop();
    expect(store.history("r")).toHaveLength(1);
  });

  it("forgets the least recently used room past 1000 rooms", () => {
    const store = new MessageStore(() => 0);
    for (let i = 0; i <= 1000; i++) store.add({ id: "aaaaaaaa", room: `room-${i}`, text: "x" }, "Ada");
    expect(store.history("room-0")).toEqual([]);
    expect(store.history("room-1")).toHaveLength(1);
    expect(store.history("room-1000")).toHaveLength(1);
  });
});
