import { describe, expect, it } from "vitest";
import { Emitter, type Listener } from "../src/emitter.js";

/** Exposes the protected dispatch. */
class TestEmitter extends Emitter {
  emit(event: string, ...args: unknown[]): boolean {
    return this.dispatch(event, args);
  }
}

describe("Emitter", () => {
  it("dispatches to the listeners of each event, in registration order", () => {
    const emitter = new TestEmitter();
    const log: string[] = [];
    emitter.on("a", (x) => log.push(`a1:${x}`));
    emitter.on("b", (x) => log.push(`b:${x}`));
    emitter.on("a", (x) => log.push(`a2:${x}`));
    expect(emitter.emit("a", 1)).toBe(true);
    expect(emitter.emit("b", 2)).toBe(true);
    expect(emitter.emit("c", 3)).toBe(false);
    expect(log).toEqual(["a1:1", "a2:1", "b:2"]);
  });

  it("keeps working past the small-table size, including removals on both sides of the switch", () => {
    const emitter = new TestEmitter();
    const calls = new Map<string, number>();
    const listeners = new Map<string, Listener>();
    const names = Array.from({ length: 20 }, (_, i) => `event-${i}`);
    for (const name of names) {
      const listener = () => calls.set(name, (calls.get(name) ?? 0) + 1);
      listeners.set(name, listener);
      emitter.on(name, listener);
      // Every event registered so far still dispatches after each growth step.
      for (const earlier of names.slice(0, names.indexOf(name) + 1)) expect(emitter.hasListeners(earlier)).toBe(true);
    }
    for (const name of names) emitter.emit(name);
    expect([...calls.values()]).toEqual(names.map(() => 1));
    for (const name of names.slice(0, 15)) emitter.off(name, listeners.get(name));
    expect(names.filter((name) => emitter.hasListeners(name))).toEqual(names.slice(15));
    for (const name of names.slice(15)) emitter.off(name);
    expect(names.some((name) => emitter.hasListeners(name))).toBe(false);
  });

  it("removes one listener, an event's listeners, or everything", () => {
    const emitter = new TestEmitter();
    const log: string[] = [];
    const one = () => log.push("one");
    const two = () => log.push("two");
    emitter.on("x", one).on("x", two).on("y", one).on("z", two);
    emitter.off("x", one);
    emitter.emit("x");
    expect(log).toEqual(["two"]);
    expect(emitter.listeners("x")).toEqual([two]);
    emitter.removeAllListeners("x");
    expect(emitter.hasListeners("x")).toBe(false);
    expect(emitter.hasListeners("y")).toBe(true);
    emitter.off("nothing", one); // unknown event: no-op
    emitter.off();
    expect(emitter.hasListeners("y") || emitter.hasListeners("z")).toBe(false);
  });

  it("runs a once() listener a single time, and off(original) finds its wrapper", () => {
    const emitter = new TestEmitter();
    const log: unknown[] = [];
    const listener = (x: unknown) => log.push(x);
    emitter.once("e", listener);
    expect(emitter.listeners("e")).toEqual([listener]);
    emitter.emit("e", 1);
    emitter.emit("e", 2);
    expect(log).toEqual([1]);
    emitter.once("e", listener);
    emitter.off("e", listener);
    emitter.emit("e", 3);
    expect(log).toEqual([1]);
  });

  it("lets a listener remove others while an event is being dispatched", () => {
    const emitter = new TestEmitter();
    const log: string[] = [];
    const second = () => log.push("second");
    emitter.on("e", () => {
      log.push("first");
      emitter.off("e", second);
    });
    emitter.on("e", second);
    emitter.emit("e");
    emitter.emit("e");
    expect(log).toEqual(["first", "second", "first"]);
  });
});
