import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF } from "../src/backoff.js";
import { createRetryTimer } from "../src/retry-timer.js";
import { FakeClock } from "./fake-clock.js";

describe("createRetryTimer", () => {
  it("fires after each scheduled delay and counts attempts", () => {
    const clock = new FakeClock();
    let fired = 0;
    const timer = createRetryTimer(clock, DEFAULT_BACKOFF, () => 0, () => fired++);
    expect(timer.schedule()).toBe(1000);
    expect(timer.attempts).toBe(1);
    expect(clock.pending).toEqual([1000]);
    clock.advance(999);
    expect(fired).toBe(0);
    clock.advance(1);
    expect(fired).toBe(1);
    expect(clock.pending).toEqual([]);
    expect(timer.schedule()).toBe(2000);
    expect(timer.attempts).toBe(2);
  });

  it("schedule() replaces an armed timer; cancel() keeps the count; reset() starts over", () => {
    const clock = new FakeClock();
    let fired = 0;
    const timer = createRetryTimer(clock, DEFAULT_BACKOFF, () => 0, () => fired++);
    timer.schedule();
    timer.schedule();
    expect(clock.pending).toEqual([2000]);
    timer.cancel();
    expect(clock.pending).toEqual([]);
    expect(timer.attempts).toBe(2);
    timer.reset();
    expect(timer.attempts).toBe(0);
    expect(timer.schedule()).toBe(1000);
    clock.advance(10_000);
    expect(fired).toBe(1);
  });

  it("uses the injected randomness and the server-requested wait", () => {
    const clock = new FakeClock();
    const timer = createRetryTimer(clock, DEFAULT_BACKOFF, () => 0.5, () => {});
    expect(timer.schedule()).toBe(750);
    expect(timer.schedule(3000)).toBe(3750);
  });
});
