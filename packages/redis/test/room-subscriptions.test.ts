import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { ChannelNames } from "../src/channel-names.js";
import { names, received, TestCluster, type TestNode } from "./cluster-fixture.js";
import { redisImplementation } from "./implementations.js";
import { describeRedis } from "./redis-harness.js";

const channels = new ChannelNames();

describeRedis("per-room subscriptions on Redis", () => {
  const impl = redisImplementation();
  let cluster: TestCluster;
  let a: TestNode;
  let b: TestNode;
  let c: TestNode;

  /** Subscribers of a channel, as Redis counts them. */
  const numsub = (channel: string) => Number(impl.redis().cli("PUBSUB", "NUMSUB", channel).split("\n")[1]);
  const subscribedChannels = () =>
    impl
      .redis()
      .cli("PUBSUB", "CHANNELS")
      .split("\n")
      .filter((line) => line !== "");

  beforeAll(() => impl.setup());
  afterAll(() => impl.teardown());
  beforeEach(async () => {
    cluster = new TestCluster(impl);
    [a, b, c] = (await cluster.start(3, 2)) as [TestNode, TestNode, TestNode];
  });
  afterEach(async () => {
    await cluster.close();
    impl.backplanes.length = 0;
  });

  it("socket-id rooms cost no channel: only namespace and node channels exist", async () => {
    await cluster.sync();
    const list = subscribedChannels().sort();
    expect(list).toEqual(
      [channels.namespace("/"), ...[a, b, c].map((node) => channels.node("/", node.adapter.uid))].sort(),
    );
    expect(numsub(channels.namespace("/"))).toBe(3);
  });

  it("a node subscribes to a room while it has members, and unsubscribes on the last leave", async () => {
    a.clients[0]!.server.join("x");
    a.clients[1]!.server.join("x");
    c.clients[0]!.server.join("x");
    await cluster.sync();
    expect(numsub(channels.room("/", "x"))).toBe(2); // a and c, not b

    // b has no member in x: it is not subscribed, so Redis does not even send it the broadcast.
    b.io.to("x").emit("for-x");
    await received(c.clients[0]!, "for-x");
    await received(a.clients[1]!, "for-x");
    expect(names(b.clients[0]!)).toEqual([]);

    a.clients[0]!.server.leave("x");
    await cluster.sync();
    expect(numsub(channels.room("/", "x"))).toBe(2); // a still has one member
    a.clients[1]!.server.leave("x");
    c.clients[0]!.socket.disconnect(); // leaving by disconnecting counts too
    await expect.poll(() => c.clients[0]!.server.connected).toBe(false);
    await cluster.sync();
    expect(numsub(channels.room("/", "x"))).toBe(0);
    expect(subscribedChannels()).not.toContain(channels.room("/", "x"));
  });

  it("a room broadcast crosses Redis once, whatever the number of recipients", async () => {
    for (const node of [a, b, c]) for (const client of node.clients) client.server.join("big");
    await cluster.sync();
    const before = impl.backplanes[0]!.metrics.published;
    a.io.to("big").emit("one");
    for (const node of [b, c]) for (const client of node.clients) await received(client, "one");
    expect(impl.backplanes[0]!.metrics.published - before).toBe(1);
  });

  it("R4: glob characters and separators in room names reach only the literal room", async () => {
    const tricky = ["room*", "a#b", "[a-z]", "r?", "{tag}", "%41", "#n#x", "a b"];
    const plain = ["roomA", "a", "b", "r1", "tag", "A", "x", "a_b"];
    b.clients[0]!.server.join(tricky);
    b.clients[1]!.server.join(plain);
    c.clients[0]!.server.join("a#b");
    await cluster.sync();
    for (const room of tricky) a.io.to(room).emit("hit", room);
    a.io.to("a#b").emit("barrier");
    await received(b.clients[0]!, "barrier");
    await received(c.clients[0]!, "barrier");
    expect(b.clients[0]!.events.filter((e) => e[0] === "hit").map((e) => e[1])).toEqual(tricky);
    expect(c.clients[0]!.events.filter((e) => e[0] === "hit").map((e) => e[1])).toEqual(["a#b"]);
    a.io.to("roomA").emit("end");
    await received(b.clients[1]!, "end");
    expect(names(b.clients[1]!)).toEqual(["end"]); // no "hit" reached the look-alike rooms
    // Channels carry escaped names only: no glob character, no extra separator.
    for (const channel of subscribedChannels()) {
      expect(channel).not.toMatch(/[*?[\]{} ]/);
      expect(channel.split("#").length).toBeLessThanOrEqual(4);
    }
    expect(new Set(tricky.map((room) => channels.room("/", room))).size).toBe(tricky.length);
  });
});
