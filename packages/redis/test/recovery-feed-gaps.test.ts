import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { RedisRecoveryFeed } from "../src/recovery/recovery-feed.js";
import type { RedisLogEntry, RedisPacketLog, RedisReplayResult } from "../src/recovery/redis-packet-log.js";
import { encodeStored } from "../src/recovery/stored-value.js";
import { FakeClock } from "../../server/test/fake-clock.js";

/**
 * Gap handling of the recovery feed, without Redis: a scripted log and a
 * subscriber that the test feeds by hand, with fake time. What must hold:
 * a gap is read back before anything after it is delivered; a log that does
 * not answer is retried, never skipped; what cannot be read back is reported
 * through `lost` (the server then makes the clients recover) before the feed
 * goes on; a gap at the tail is found by the idle check.
 */

const EPOCH = "ep";
const id = (n: number) => `${n}-0`;
const entry = (n: number): RedisLogEntry => ({ offset: `${EPOCH}.${id(n)}`, data: ["seq", n], rooms: [], except: [] });

/** The message `append` publishes for entry `n` (previous: the entry before it). */
function message(n: number): Buffer {
  const head = Buffer.from(`${EPOCH}.${id(n)}\n${n > 1 ? id(n - 1) : ""}\n`, "latin1");
  return Buffer.concat([head, encodeStored([["seq", n], [], []])]);
}

/** A log whose answers the test scripts: `readAfter` resolves with the next scripted reply. */
class ScriptedLog {
  readonly reads: string[] = [];
  readonly replies: (() => RedisReplayResult)[] = [];
  newest = 0;
  readAfter(_nsp: string, offset: string): Promise<RedisReplayResult> {
    this.reads.push(offset);
    const reply = this.replies.shift();
    return Promise.resolve(reply === undefined ? { ok: false, reason: "unavailable" } : reply());
  }
  head(): Promise<string | undefined> {
    return Promise.resolve(this.newest === 0 ? undefined : `${EPOCH}.${id(this.newest)}`);
  }
  /** Entries after `from` up to `to`. */
  static range(from: number, to: number): () => RedisReplayResult {
    return () => ({ ok: true, entries: Array.from({ length: to - from }, (_, i) => entry(from + 1 + i)) });
  }
}

class FakeSubscriber extends EventEmitter {
  status = "ready";
  subscribe() {
    return Promise.resolve(1);
  }
  unsubscribe() {
    return Promise.resolve(0);
  }
}

function setup(options: { maxQueue?: number } = {}) {
  const clock = new FakeClock();
  const log = new ScriptedLog();
  const subscriber = new FakeSubscriber();
  const got: number[] = [];
  const lost: string[] = [];
  const errors: unknown[] = [];
  const feed = new RedisRecoveryFeed(
    log as unknown as RedisPacketLog,
    subscriber as unknown as Redis,
    { entry: (_nsp, e) => got.push(e.data[1] as number), lost: (_nsp, reason) => lost.push(`${reason}@${got.length}`), error: (e) => errors.push(e) },
    { clock, checkEvery: 1000, retryFor: 300, ...options },
  );
  const send = (n: number) => subscriber.emit("messageBuffer", Buffer.from(feed.channel("/")), message(n));
  return { clock, log, feed, got, lost, errors, send, subscriber };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("recovery feed gaps (scripted log, fake time)", () => {
  it("reads a gap back before what follows it, holding later messages meanwhile", async () => {
    const t = setup();
    await t.feed.watch("/");
    t.send(1);
    t.send(4); // 2 and 3 never came
    t.send(5);
    expect(t.got).toEqual([1]);
    t.log.replies.push(ScriptedLog.range(1, 5));
    await settle();
    // The read was already under way when the reply was scripted: it failed, and is retried after 100 ms.
    t.clock.advance(100);
    await settle();
    expect(t.got).toEqual([1, 2, 3, 4, 5]);
    expect(t.lost).toEqual([]);
    expect(t.feed.delivered("/")).toBe(`${EPOCH}.${id(5)}`);
  });

  it("retries a log that does not answer, then declares the gap lost (before delivering what follows)", async () => {
    const t = setup();
    await t.feed.watch("/");
    t.send(1);
    t.send(3);
    await settle();
    t.clock.advance(100);
    await settle();
    expect(t.got).toEqual([1]); // still holding 3: delivering it would skip 2 for good
    t.clock.advance(200);
    await settle();
    expect(t.log.reads).toHaveLength(3);
    expect(t.lost).toEqual(["unavailable@1"]); // reported while 3 was still held
    expect(t.got).toEqual([1, 3]);
    t.send(4);
    expect(t.got).toEqual([1, 3, 4]);
    expect(t.feed.gapsLost).toBe(1);
  });

  it("reports a gap the log no longer holds (trimmed) at once, then goes on", async () => {
    const t = setup();
    await t.feed.watch("/");
    t.send(1);
    t.log.replies.push(() => ({ ok: false, reason: "trimmed" }));
    t.send(3);
    await settle();
    expect(t.lost).toEqual(["trimmed@1"]);
    expect(t.got).toEqual([1, 3]);
  });

  it("finds messages lost at the tail when the namespace goes idle", async () => {
    const t = setup();
    await t.feed.watch("/");
    t.send(1);
    t.send(2);
    t.log.newest = 4; // 3 and 4 were published, and nothing came after them
    t.clock.advance(1000); // busy during the first period: not checked
    await settle();
    expect(t.log.reads).toEqual([]);
    t.log.replies.push(ScriptedLog.range(2, 4));
    t.clock.advance(1000);
    await settle();
    expect(t.got).toEqual([1, 2, 3, 4]);
    t.clock.advance(1000); // up to date now: the check reads nothing
    await settle();
    expect(t.log.reads).toHaveLength(1);
  });

  it("gives up when too many messages pile up behind a gap", async () => {
    const t = setup({ maxQueue: 2 });
    await t.feed.watch("/");
    t.send(1);
    t.send(3);
    t.send(4);
    t.send(5); // third held message: past maxQueue
    expect(t.lost).toEqual(["overflow@1"]);
    expect(t.got).toEqual([1, 3, 4, 5]);
    t.send(6);
    expect(t.got).toEqual([1, 3, 4, 5, 6]);
  });

  it("a held message that reveals a second gap is read back in turn", async () => {
    const t = setup();
    await t.feed.watch("/");
    t.send(1);
    t.log.replies.push(ScriptedLog.range(1, 3), ScriptedLog.range(4, 7));
    t.send(4); // missing 2, 3
    t.send(8); // held; reveals 5..7 once 4 is delivered
    await settle();
    await settle();
    expect(t.got).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(t.lost).toEqual([]);
  });
});
