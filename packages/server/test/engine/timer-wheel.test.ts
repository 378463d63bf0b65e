import { describe, expect, it } from "vitest";
import { TimerWheel, type WheelEntry } from "../../src/engine/timer-wheel.js";
import { FakeClock } from "./fakes.js";

interface Entry extends WheelEntry {
  name: string;
}

function entry(name: string): Entry {
  return { name, wheelDue: 0, wheelPrev: null, wheelNext: null };
}

function setup(resolution = 10) {
  const clock = new FakeClock();
  const fired: { name: string; at: number }[] = [];
  let onFire: (e: Entry) => void = () => {};
  const wheel = new TimerWheel<Entry>(clock, resolution, (e) => {
    fired.push({ name: e.name, at: clock.now() });
    onFire(e);
  });
  return { clock, wheel, fired, setOnFire: (fn: (e: Entry) => void) => (onFire = fn) };
}

describe("TimerWheel", () => {
  it("fires each entry once, never early, at most one tick late", () => {
    const { clock, wheel, fired } = setup(10);
    wheel.schedule(entry("a"), 25);
    wheel.schedule(entry("b"), 30);
    wheel.schedule(entry("c"), 7);
    clock.advance(9);
    expect(fired).toEqual([]);
    clock.advance(100);
    expect(fired).toEqual([
      { name: "c", at: 10 },
      // Same tick: insertion order.
      { name: "a", at: 30 },
      { name: "b", at: 30 },
    ]);
    expect(wheel.size).toBe(0);
  });

  it("runs one clock timer for any number of entries, and none when empty", () => {
    const { clock, wheel } = setup(10);
    for (let i = 0; i < 10_000; i++) wheel.schedule(entry(`e${i}`), 1000 + i);
    expect(clock.pending).toBe(1);
    clock.advance(20_000);
    expect(wheel.size).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it("reschedules and cancels in O(1) without firing stale deadlines", () => {
    const { clock, wheel, fired } = setup(10);
    const a = entry("a");
    const b = entry("b");
    wheel.schedule(a, 50);
    wheel.schedule(b, 50);
    wheel.schedule(a, 200);
    wheel.cancel(b);
    wheel.cancel(b);
    clock.advance(100);
    expect(fired).toEqual([]);
    clock.advance(100);
    expect(fired).toEqual([{ name: "a", at: 200 }]);
  });

  it("keeps entries due beyond one wheel revolution until they are due", () => {
    const { clock, wheel, fired } = setup(10);
    // 512 slots × 10 ms: 60 000 ms wraps around the wheel many times.
    wheel.schedule(entry("far"), 60_000);
    clock.advance(59_990);
    expect(fired).toEqual([]);
    clock.advance(10);
    expect(fired).toEqual([{ name: "far", at: 60_000 }]);
  });

  it("catches up after a stall longer than a revolution", () => {
    const { clock, wheel, fired } = setup(10);
    wheel.schedule(entry("a"), 100);
    wheel.schedule(entry("b"), 3000);
    // A single tick that lands far in the future (event loop blocked).
    const late = clock.now() + 10_000;
    clock.advance(late);
    expect(fired.map((f) => f.name).sort()).toEqual(["a", "b"]);
  });

  it("lets callbacks reschedule themselves and cancel entries in the same slot", () => {
    const { clock, wheel, fired, setOnFire } = setup(10);
    const a = entry("a");
    const b = entry("b");
    const c = entry("c");
    let rounds = 0;
    setOnFire((e) => {
      if (e === a && rounds++ < 2) wheel.schedule(a, clock.now() + 30);
      if (e === a) wheel.cancel(b);
    });
    wheel.schedule(a, 20);
    wheel.schedule(b, 20);
    wheel.schedule(c, 20);
    clock.advance(200);
    expect(fired).toEqual([
      { name: "a", at: 20 },
      { name: "c", at: 20 },
      { name: "a", at: 50 },
      { name: "a", at: 80 },
    ]);
  });

  it("clear() drops everything and stops the timer", () => {
    const { clock, wheel, fired } = setup(10);
    const a = entry("a");
    wheel.schedule(a, 10);
    wheel.clear();
    expect(a.wheelNext).toBeNull();
    expect(clock.pending).toBe(0);
    clock.advance(100);
    expect(fired).toEqual([]);
    wheel.schedule(a, 150);
    clock.advance(100);
    expect(fired).toEqual([{ name: "a", at: 150 }]);
  });

  it("stores due times as small integers counted from its creation, whatever the clock reads", () => {
    const clock = new FakeClock();
    // A clock that has run for years, with a fractional reading (like performance.now()).
    clock.advance(4e11 + 0.375);
    const fired: number[] = [];
    const wheel = new TimerWheel<Entry>(clock, 1000, () => fired.push(clock.now()));
    const a = entry("a");
    wheel.schedule(a, clock.now() + 25_000.5);
    // Ticks since creation: a V8 small integer, stored in the entry itself, not a boxed double.
    expect(a.wheelDue).toBe(26);
    expect(wheel.dueTick(clock.now() + 25_000.5)).toBe(26);
    expect(wheel.tickAt(clock.now() + 25_999)).toBe(25);
    clock.advance(25_000);
    expect(fired).toEqual([]);
    clock.advance(1000);
    expect(fired).toHaveLength(1);
    expect(fired[0]! - 4e11).toBeGreaterThanOrEqual(25_000.5);
  });
});

