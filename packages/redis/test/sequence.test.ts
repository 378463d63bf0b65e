import { describe, expect, it } from "vitest";
import { RecentBroadcasts, SequenceCounter, SequenceTracker } from "../src/sequence.js";

describe("sequence numbers", () => {
  it("count per channel from 1, forgetting the least recently used channels beyond the bound", () => {
    const counter = new SequenceCounter(2);
    expect([counter.take("a"), counter.take("a"), counter.take("b"), counter.take("a")]).toEqual([1, 2, 1, 3]);
    counter.take("c"); // evicts b, the least recently used
    expect(counter.take("b")).toBe(1);
    expect(counter.take("a")).toBe(1); // a was evicted by b's return
  });

  it("classify in-order, gap, duplicate and reordered messages per channel and publisher", () => {
    const tracker = new SequenceTracker();
    expect(tracker.check("ch", "p", 7).kind).toBe("in-order"); // first seen: baseline
    expect(tracker.check("ch", "p", 8).kind).toBe("in-order");
    expect(tracker.check("ch", "p", 8).kind).toBe("duplicate");
    expect(tracker.check("ch", "p", 12)).toEqual({ kind: "gap", lost: 3 });
    expect(tracker.check("ch", "p", 10).kind).toBe("reordered");
    expect(tracker.check("ch", "q", 1).kind).toBe("in-order"); // other publisher, own numbers
    expect(tracker.check("other", "p", 99).kind).toBe("in-order"); // other channel, own numbers
    expect(tracker.check("ch", "p", 1).kind).toBe("in-order"); // the publisher's counter restarted
    tracker.forget("ch");
    expect(tracker.check("ch", "p", 50).kind).toBe("in-order");
  });

  it("remember recent multi-room broadcasts per publisher", () => {
    const recent = new RecentBroadcasts(2);
    expect(recent.firstTime("p", 1)).toBe(true);
    expect(recent.firstTime("p", 1)).toBe(false);
    expect(recent.firstTime("q", 1)).toBe(true);
    recent.firstTime("p", 2);
    recent.firstTime("p", 3); // window of 2: 1 falls out
    expect(recent.firstTime("p", 1)).toBe(true);
  });
});
