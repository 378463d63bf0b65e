import { describe, expect, it } from "vitest";
import { ConnectDeadlines, type DeadlineTarget } from "../src/connect-deadlines.js";
import { FakeClock } from "./fake-clock.js";

/** A target that records when it expired. */
function target(clock: FakeClock, log: string[], name: string): DeadlineTarget {
  return { onDeadline: () => log.push(`${name}@${clock.now()}`) };
}

describe("ConnectDeadlines", () => {
  it("expires each target exactly `timeout` after it was added, in order", () => {
    const clock = new FakeClock();
    const deadlines = new ConnectDeadlines(clock, 1000);
    const log: string[] = [];
    deadlines.add(target(clock, log, "a"));
    clock.advance(300);
    deadlines.add(target(clock, log, "b"));
    clock.advance(699);
    expect(log).toEqual([]);
    clock.advance(1);
    expect(log).toEqual(["a@1000"]);
    clock.advance(299);
    expect(log).toEqual(["a@1000"]);
    clock.advance(1);
    expect(log).toEqual(["a@1000", "b@1300"]);
    expect(deadlines.isEmpty).toBe(true);
  });

  it("uses one clock timer for any number of pending targets", () => {
    const clock = new FakeClock();
    const deadlines = new ConnectDeadlines(clock, 1000);
    const log: string[] = [];
    for (let i = 0; i < 50; i++) deadlines.add(target(clock, log, `t${i}`));
    expect(clock.pending).toBe(1);
    clock.advance(1000);
    expect(log).toHaveLength(50);
    expect(clock.pending).toBe(0);
  });

  it("never expires a cancelled target, wherever it is in the list", () => {
    const clock = new FakeClock();
    const deadlines = new ConnectDeadlines(clock, 1000);
    const log: string[] = [];
    const first = deadlines.add(target(clock, log, "first"));
    const middle = deadlines.add(target(clock, log, "middle"));
    deadlines.add(target(clock, log, "last"));
    const tail = deadlines.add(target(clock, log, "tail"));
    deadlines.cancel(middle);
    deadlines.cancel(first);
    deadlines.cancel(tail);
    deadlines.cancel(tail); // twice: harmless
    clock.advance(1000);
    expect(log).toEqual(["last@1000"]);
  });

  it("re-arms for the next head when the armed-for head was cancelled", () => {
    const clock = new FakeClock();
    const deadlines = new ConnectDeadlines(clock, 1000);
    const log: string[] = [];
    const early = deadlines.add(target(clock, log, "early"));
    clock.advance(400);
    deadlines.add(target(clock, log, "late"));
    deadlines.cancel(early);
    clock.advance(600); // the timer armed for "early" fires: nothing due yet
    expect(log).toEqual([]);
    expect(clock.pending).toBe(1);
    clock.advance(400);
    expect(log).toEqual(["late@1400"]);
  });

  it("stays idle once everything was cancelled, and arms again for a new target", () => {
    const clock = new FakeClock();
    const deadlines = new ConnectDeadlines(clock, 1000);
    const log: string[] = [];
    deadlines.cancel(deadlines.add(target(clock, log, "gone")));
    clock.advance(1000);
    expect(clock.pending).toBe(0);
    deadlines.add(target(clock, log, "next"));
    clock.advance(1000);
    expect(log).toEqual(["next@2000"]);
  });

  it("keeps expiring later targets after one throws", () => {
    const clock = new FakeClock();
    const deadlines = new ConnectDeadlines(clock, 1000);
    const log: string[] = [];
    deadlines.add({
      onDeadline: () => {
        throw new Error("boom");
      },
    });
    clock.advance(500);
    deadlines.add(target(clock, log, "after"));
    expect(() => clock.advance(500)).toThrow("boom");
    clock.advance(500);
    expect(log).toEqual(["after@1500"]);
  });

  it("clear() drops every deadline and its timer without expiring anything", () => {
    const clock = new FakeClock();
    const deadlines = new ConnectDeadlines(clock, 1000);
    const log: string[] = [];
    deadlines.add(target(clock, log, "a"));
    deadlines.add(target(clock, log, "b"));
    deadlines.clear();
    expect(deadlines.isEmpty).toBe(true);
    expect(clock.pending).toBe(0);
    clock.advance(5000);
    expect(log).toEqual([]);
  });
});
