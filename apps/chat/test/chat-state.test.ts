import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../src/shared/events.js";
import { ChatState, type StateChange, TYPING_TTL_MS } from "../src/web/chat-state.js";
import { compareOffsets } from "../src/web/offset-order.js";

const message = (id: string, at: number, from = "Bob", room = "general"): ChatMessage => ({ id, room, from, text: id, at });

function setup() {
  let now = 1000;
  const state = new ChatState("Ada", () => now);
  const changes: string[] = [];
  state.onChange((change: StateChange, room) => changes.push(`${change}:${room}`));
  state.addRoom("general");
  state.addRoom("random");
  state.show("general");
  changes.length = 0;
  return { state, changes, tick: (ms: number) => (now += ms) };
}

const texts = (state: ChatState, room = "general") =>
  state.rooms.get(room)!.timeline.map((item) => (item.kind === "message" ? item.message.text : `(${item.text})`));

describe("ChatState (the page's model)", () => {
  it("merges join history with what is already shown, by id and in time order", () => {
    const { state } = setup();
    state.received(message("live", 50));
    state.joined({ ok: true, room: "general", history: [message("old", 10), message("live", 50), message("mid", 30)], members: ["Ada", "Bob"] });
    expect(texts(state)).toEqual(["old", "mid", "live"]);
    expect(state.rooms.get("general")!.members).toEqual(["Ada", "Bob"]);
    expect(state.rooms.get("general")!.joined).toBe(true);
  });

  it("walks our own message from sending to stored, or to failed and back", () => {
    const { state } = setup();
    state.sending("general", "mine0001", "hello");
    const item = () => state.rooms.get("general")!.timeline[0]!;
    expect(item()).toMatchObject({ kind: "message", mine: true, delivery: "sending", message: { from: "Ada", text: "hello" } });
    state.failed("general", "mine0001");
    expect(item()).toMatchObject({ delivery: "failed" });
    state.retrying("general", "mine0001");
    expect(item()).toMatchObject({ delivery: "sending" });
    state.stored({ id: "mine0001", room: "general", from: "Ada", text: "hello", at: 5 });
    expect(item()).toMatchObject({ delivery: "stored" });
  });

  it("counts unread messages of rooms not shown, and clears them when shown", () => {
    const { state } = setup();
    state.received(message("a", 1, "Bob", "random"));
    state.received(message("b", 2, "Bob", "random"));
    state.received(message("c", 3, "Bob", "elsewhere")); // not our room: ignored
    expect(state.rooms.get("random")!.unread).toBe(2);
    expect(state.rooms.has("elsewhere")).toBe(false);
    state.show("random");
    expect(state.rooms.get("random")!.unread).toBe(0);
  });

  it("expires typing notices, and clears one when that person's message arrives", () => {
    const { state, tick } = setup();
    const room = state.rooms.get("general")!;
    state.typing({ room: "general", name: "Bob", typing: true });
    state.typing({ room: "general", name: "Cat", typing: true });
    state.typing({ room: "general", name: "Ada", typing: true }); // ourselves (another tab): not shown
    expect(state.typingIn(room)).toEqual(["Bob", "Cat"]);
    state.received(message("hi", 5, "Bob"));
    expect(state.typingIn(room)).toEqual(["Cat"]);
    tick(TYPING_TTL_MS);
    expect(state.typingIn(room)).toEqual([]);
  });

  it("adds a notice only when a name enters or leaves the member list", () => {
    const { state } = setup();
    state.joined({ ok: true, room: "general", history: [], members: ["Ada"] });
    state.presence({ room: "general", name: "Bob", present: true, members: ["Ada", "Bob"] });
    state.presence({ room: "general", name: "Bob", present: true, members: ["Ada", "Bob"] }); // a second tab
    state.presence({ room: "general", name: "Bob", present: false, members: ["Ada"] });
    expect(texts(state)).toEqual(["(Bob joined)", "(Bob left)"]);
    expect(state.rooms.get("general")!.members).toEqual(["Ada"]);
  });

  it("tells its views what changed, and moves to another room when the shown one is left", () => {
    const { state, changes } = setup();
    state.received(message("x", 1, "Bob", "random"));
    expect(changes).toEqual(["rooms:random", "timeline:random", "typing:random"]);
    state.removeRoom("general");
    expect(state.active?.name).toBe("random");
  });

  describe("read-your-writes", () => {
    const mine = (id: string, at: number): ChatMessage => ({ id, room: "general", from: "Ada", text: id, at });
    const offsets = (state: ChatState) =>
      state.rooms.get("general")!.timeline.map((item) => (item.kind === "message" ? `${item.message.text}@${item.offset}:${item.delivery}` : ""));

    it("places our message by the ack's offset, then drops the echo", () => {
      const { state } = setup();
      state.sending("general", "mine", "mine");
      state.received(message("after", 0), "e.3"); // logged after ours, though its time is earlier
      state.received(message("before", 0), "e.1");
      expect(texts(state)).toEqual(["before", "after", "mine"]); // ours is not stored yet: last
      state.stored(mine("mine", 10_000), "e.2");
      expect(offsets(state)).toEqual(["before@e.1:stored", "mine@e.2:stored", "after@e.3:stored"]);
      state.received(mine("mine", 10_000), "e.2"); // the echo
      expect(offsets(state)).toEqual(["before@e.1:stored", "mine@e.2:stored", "after@e.3:stored"]);
    });

    it("places our message by the echo when it comes first, then takes the ack's tick without moving it again", () => {
      const { state } = setup();
      state.received(message("first", 0), "e.1");
      state.sending("general", "mine", "mine");
      state.received(message("after", 0), "e.3");
      state.received(mine("mine", 10_000), "e.2"); // the echo, before the ack
      expect(offsets(state)).toEqual(["first@e.1:stored", "mine@e.2:stored", "after@e.3:stored"]);
      state.stored(mine("mine", 10_000), "e.2");
      state.received(mine("mine", 10_000), "e.2");
      expect(offsets(state)).toEqual(["first@e.1:stored", "mine@e.2:stored", "after@e.3:stored"]);
    });

    it("orders others' messages by offset (by time across logs) and matches an echo by the offset its ack gave", () => {
      const { state } = setup();
      state.received(message("b", 1), "e.b");
      state.received(message("a", 50), "e.a"); // earlier in the log, later clock
      // A message the server could not log carries the position already reached: the same offset is not a duplicate.
      state.received(message("unlogged", 1), "e.a");
      expect(texts(state)).toEqual(["a", "unlogged", "b"]);
      state.received(message("new-log", 0), "f.1"); // another log (a restart): its time decides
      expect(texts(state)).toEqual(["new-log", "a", "unlogged", "b"]);

      state.sending("general", "mine", "mine");
      state.stored(mine("mine", 10_000), "e.c");
      state.received({ ...mine("mine", 10_000), id: "renamed" }, "e.c"); // the echo of that entry: dropped
      state.received(message("later", 10_000), "e.c"); // its echo came already: the offset is a position now
      expect(texts(state)).toEqual(["new-log", "a", "unlogged", "b", "mine", "later"]);
    });
  });
});

describe("compareOffsets", () => {
  it("orders positions of one log (base-36 memory offsets and Redis stream ids) and refuses two logs", () => {
    expect(compareOffsets("k3f9q2.z", "k3f9q2.10")).toBeLessThan(0); // 35 < 36
    expect(compareOffsets("k3f9q2.1a", "k3f9q2.19")).toBeGreaterThan(0);
    expect(compareOffsets("k3f9q2.7", "k3f9q2.7")).toBe(0);
    expect(compareOffsets("e.1700000000000-9", "e.1700000000000-10")).toBeLessThan(0);
    expect(compareOffsets("e.1700000000001-0", "e.1700000000000-10")).toBeGreaterThan(0);
    expect(compareOffsets("k3f9q2.1", "m00000.2")).toBeUndefined();
    expect(compareOffsets("k3f9q2.1", "k3f9q2.1-0")).toBeUndefined();
    expect(compareOffsets("", "k3f9q2.1")).toBeUndefined();
    expect(compareOffsets("no-dot", "no-dot")).toBeUndefined();
  });
});
