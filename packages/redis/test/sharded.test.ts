import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ChannelNames } from "../src/channel-names.js";
import { keySlot } from "../src/key-slot.js";
import { adapterSuite } from "./adapter-suite.js";
import { TestCluster, type TestNode } from "./cluster-fixture.js";
import { shardedImplementation } from "./implementations.js";
import { describeRedis } from "./redis-harness.js";

const channels = new ChannelNames();

describe("key slots", () => {
  it("match Redis Cluster's CRC16 (spec examples and hash tags)", () => {
    expect(keySlot("123456789")).toBe(0x31c3 & 16383); // CRC16/XMODEM check value
    expect(keySlot("foo")).toBe(12182);
    expect(keySlot("{user1000}.following")).toBe(keySlot("user1000"));
    expect(keySlot("foo{}{bar}")).toBe(keySlot("foo{}{bar}")); // empty tag: whole key
  });
});

describeRedis("sharded pub/sub on a 3-master Redis Cluster", () => {
  const impl = shardedImplementation();
  // The full conformance suite, over SPUBLISH/SSUBSCRIBE.
  describe("adapter conformance: redis-cluster (sharded)", () => adapterSuite(impl));

  describe("sharded channels", () => {
    let cluster: TestCluster;
    let a: TestNode;
    let b: TestNode;
    beforeAll(() => impl.setup());
    afterAll(() => impl.teardown());
    beforeEach(async () => {
      cluster = new TestCluster(impl);
      [a, b] = (await cluster.start(2, 1)) as [TestNode, TestNode];
    });
    afterEach(() => cluster.close());

    it("room channels are SSUBSCRIBEd on the master owning their slot, spread over the masters", async () => {
      const rooms = Array.from({ length: 12 }, (_, i) => `room-${i}`);
      b.clients[0]!.server.join(rooms);
      await cluster.sync();
      const nodes = impl.cluster().nodes;
      const owners = new Set<number>();
      for (const room of rooms) {
        const channel = channels.room("/", room);
        const holders = nodes.filter((node) => node.cli("PUBSUB", "SHARDCHANNELS").split("\n").includes(channel));
        expect(holders).toHaveLength(1);
        expect(Number(holders[0]!.cli("CLUSTER", "KEYSLOT", channel))).toBe(keySlot(channel));
        owners.add(nodes.indexOf(holders[0]!));
        // Plain pub/sub is not used at all.
        expect(holders[0]!.cli("PUBSUB", "NUMSUB", channel).split("\n")[1]).toBe("0");
      }
      expect(owners.size).toBe(3);
      // Each room lives on its own shard: delivery order across rooms is not defined, only within one.
      for (const room of rooms) a.io.to(room).emit("r", room);
      await expect
        .poll(() => b.clients[0]!.events.filter((e) => e[0] === "r").map((e) => e[1] as string).sort())
        .toEqual([...rooms].sort());
    });
  });
});
