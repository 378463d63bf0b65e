import { Redis } from "ioredis";
import { afterEach, expect, it } from "vitest";
import { RedisRecoveryFeed } from "../src/recovery/recovery-feed.js";
import { type RedisLogEntry, RedisPacketLog } from "../src/recovery/redis-packet-log.js";
import { describeRedis, useRedis } from "./redis-harness.js";
import { waitUntil } from "./wait-until.js";

const entry = (n: number) => ({ data: ["seq", n], rooms: [], except: [] });

describeRedis("recovery feed (log order on every instance, gaps read back)", () => {
  const redis = useRedis();
  const opened: Redis[] = [];
  const feeds: RedisRecoveryFeed[] = [];
  const open = () => {
    const client = new Redis(redis().url);
    opened.push(client);
    return client;
  };

  /** One instance: a command connection, a subscriber, a feed recording what it delivers. */
  async function instance() {
    const log = new RedisPacketLog(open());
    const got: number[] = [];
    const lost: string[] = [];
    const subscriber = open();
    const feed = new RedisRecoveryFeed(log, subscriber, {
      entry: (_nsp, e: RedisLogEntry) => got.push(e.data[1] as number),
      lost: (_nsp, reason) => lost.push(reason),
      error: (e) => {
        throw e;
      },
    });
    feeds.push(feed);
    await feed.watch("/");
    return { log, feed, got, lost, subscriber };
  }

  afterEach(async () => {
    for (const feed of feeds.splice(0)) await feed.close();
    for (const client of opened.splice(0)) client.disconnect();
  });

  it("three publishers, three feeds: every feed delivers the same sequence, the log's order", async () => {
    const nodes = [await instance(), await instance(), await instance()];
    const sent: Promise<string>[] = [];
    for (let n = 1; n <= 90; n++) sent.push(nodes[n % 3]!.feed.publish("/", entry(n)));
    const offsets = await Promise.all(sent);
    await waitUntil(() => nodes.every((node) => node.got.length === 90));
    // The three publishers race, so entry 1 need not be first in the log: start from whatever the feed delivered
    // first (feeds deliver in log order), and read the rest of the log after it.
    const first = nodes[0]!.got[0]!;
    const replay = await nodes[0]!.log.readAfter("/", offsets[first - 1]!);
    const logOrder = [first, ...(replay.ok ? replay.entries.map((e) => e.data[1] as number) : [])];
    expect(logOrder).toEqual(nodes[0]!.got);
    expect(nodes[1]!.got).toEqual(nodes[0]!.got);
    expect(nodes[2]!.got).toEqual(nodes[0]!.got);
    expect(new Set(nodes[0]!.got).size).toBe(90);
  });

  it("reads back an entry that was logged but never reached the channel, before the next one", async () => {
    const node = await instance();
    await node.feed.publish("/", entry(1));
    await waitUntil(() => node.got.length === 1);
    await node.log.append("/", entry(2)); // logged, not published: what a lost pub/sub message looks like
    await node.log.append("/", entry(3));
    await node.feed.publish("/", entry(4));
    await waitUntil(() => node.got.length === 4);
    expect(node.got).toEqual([1, 2, 3, 4]);
    expect(node.feed.gapsFilled).toBe(1);
    expect(node.lost).toEqual([]);
  });

  it("catches up after its subscriber reconnects: lost 0, duplicated 0, reordered 0", async () => {
    const node = await instance();
    const publisher = new RedisRecoveryFeed(new RedisPacketLog(open()), open(), { entry() {}, lost() {}, error() {} });
    feeds.push(publisher);
    await publisher.publish("/", entry(1));
    await waitUntil(() => node.got.length === 1);
    const back = new Promise((resolve) => node.subscriber.once("ready", resolve));
    node.subscriber.disconnect(true); // cut: the messages below are published while it is away
    for (let n = 2; n <= 20; n++) await publisher.publish("/", entry(n));
    await back;
    for (let n = 21; n <= 30; n++) await publisher.publish("/", entry(n));
    await waitUntil(() => node.got.length >= 30);
    expect(node.got).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it("reports entries it can no longer read back, and goes on", async () => {
    const node = await instance();
    await node.feed.publish("/", entry(1));
    await waitUntil(() => node.got.length === 1);
    const raw = open();
    await node.log.append("/", entry(2));
    await raw.xtrim(node.log.streamKey("/"), "MAXLEN", 0); // the log lost everything up to now
    await node.feed.publish("/", entry(3));
    await waitUntil(() => node.lost.length === 1);
    expect(node.lost).toEqual(["trimmed"]);
    await node.feed.publish("/", entry(4));
    await waitUntil(() => node.got.includes(4));
    expect(node.got).toEqual([1, 3, 4]);
  });
});
