import { afterEach, describe, expect, it } from "vitest";
import { ChatClient } from "../src/web/chat-client.js";
import { ChatState, type TimelineItem } from "../src/web/chat-state.js";
import { CHAT_NAMESPACE } from "../src/shared/events.js";
import { type TestChat, useChat } from "./chat-harness.js";

/**
 * The page's own client and model (`ChatClient` + `ChatState`, no DOM) on
 * Node against the chat server: read-your-writes (the ack's offset places our
 * message, its echo is dropped) and connection state recovery.
 */
describe("the page's client: read-your-writes and recovery", () => {
  const chat = useChat();
  const clients: ChatClient[] = [];
  // Registered after useChat's: runs before it (hooks run as a stack), so pages close before their server.
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  const page = (app: TestChat, name: string): { client: ChatClient; state: ChatState } => {
    const state = new ChatState(name);
    state.addRoom("general");
    const client = new ChatClient(state, {
      name,
      url: `${app.url}${CHAT_NAMESPACE}`,
      connectOptions: { forceNew: true, transports: ["websocket"], reconnection: false },
      onStatus: () => {},
    });
    clients.push(client);
    return { client, state };
  };

  /** Resolve once `test` holds for `state` (checked now and after each change). */
  const until = (state: ChatState, test: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (test()) return resolve();
      state.onChange(() => {
        if (test()) resolve();
      });
    });

  const messages = (state: ChatState): Extract<TimelineItem, { kind: "message" }>[] =>
    state.rooms.get("general")!.timeline.flatMap((item) => (item.kind === "message" ? [item] : []));
  const allStored = (state: ChatState, count: number) => () => {
    const shown = messages(state);
    return shown.length === count && shown.every((item) => item.delivery === "stored");
  };

  it("shows a sender its own message exactly once, in log order, when two pages post at once", async () => {
    // A stopped server clock: every message has the same time, so only offsets can order them.
    const app = await chat.start({ now: () => 1_700_000_000_000 });
    // The log's order, as a plain client in the room receives it.
    const cat = await chat.client(app, "Cat");
    await cat.emitWithAck("join", "general");
    const log: [string, string | undefined][] = [];
    cat.on("message", (message) => log.push([message.text, cat.offset]));

    const ada = page(app, "Ada");
    const bob = page(app, "Bob");
    await Promise.all([ada, bob].map(({ state }) => until(state, () => state.rooms.get("general")!.joined)));
    for (let i = 0; i < 6; i++) {
      ada.client.send("general", `ada ${i}`);
      bob.client.send("general", `bob ${i}`);
    }
    await Promise.all([until(ada.state, allStored(ada.state, 12)), until(bob.state, allStored(bob.state, 12))]);
    await cat.emitWithAck("join", "general"); // a round trip: Cat has every broadcast by now

    expect(log).toHaveLength(12);
    for (const { state } of [ada, bob]) {
      expect(messages(state).map((item) => [item.message.text, item.offset])).toEqual(log);
    }
    // Each page sent its own six and got them back as echoes: none shown twice.
    expect(new Set(log.map(([, offset]) => offset)).size).toBe(12);
  });

  it("gets the messages missed during a short disconnection through recovery, without joining again", async () => {
    const app = await chat.start();
    const bob = await chat.client(app, "Bob");
    await bob.emitWithAck("join", "general");
    const ada = page(app, "Ada");
    await until(ada.state, () => ada.state.rooms.get("general")!.joined);
    await bob.emitWithAck("message", { id: "before-0001", room: "general", text: "before" });
    await until(ada.state, () => messages(ada.state).length === 1); // Ada has an offset to come back from

    const socket = ada.client.socket;
    const lost = new Promise((resolve) => socket.once("disconnect", () => resolve(undefined)));
    socket.io.engine!.close(); // the connection drops (no reconnection configured: the test reconnects below)
    await lost;
    for (const text of ["missed 1", "missed 2", "missed 3"]) {
      await bob.emitWithAck("message", { id: `${text.replace(" ", "-")}-0001`, room: "general", text });
    }
    const sent: string[] = [];
    socket.onAnyOutgoing((event) => sent.push(event));
    const back = new Promise((resolve) => socket.once("connect", () => resolve(undefined)));
    socket.connect();
    await back;

    expect(socket.recovered).toBe(true);
    // Replayed before `connect`, in order, each with its offset; no join (the history path) was needed.
    expect(messages(ada.state).map((item) => item.message.text)).toEqual(["before", "missed 1", "missed 2", "missed 3"]);
    expect(messages(ada.state).every((item) => item.offset !== undefined)).toBe(true);
    await bob.emitWithAck("join", "general"); // a round trip on the server: Ada's handlers have run
    expect(sent).not.toContain("join");
  });
});
