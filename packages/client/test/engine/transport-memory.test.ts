import { afterEach, describe, expect, it, vi } from "vitest";
import { createTransportMemory } from "../../src/engine/transport-memory.js";
import { createFakeClock } from "./fake-clock.js";

describe("transport memory", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("remembers a failure for the TTL, per key, and forgets on success", () => {
    const clock = createFakeClock();
    const memory = createTransportMemory(clock, 1000);
    memory.remember("http://a/socket.io/", true);
    expect(memory.webSocketFailed("http://a/socket.io/")).toBe(true);
    expect(memory.webSocketFailed("http://b/socket.io/")).toBe(false);
    clock.advance(999);
    expect(memory.webSocketFailed("http://a/socket.io/")).toBe(true);
    clock.advance(1);
    expect(memory.webSocketFailed("http://a/socket.io/")).toBe(false);
    memory.remember("http://a/socket.io/", true);
    memory.remember("http://a/socket.io/", false);
    expect(memory.webSocketFailed("http://a/socket.io/")).toBe(false);
  });

  it("uses localStorage when available, so a reload keeps the verdict", () => {
    const store = new Map<string, string>();
    vi.stubGlobal("localStorage", {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
      removeItem: (k: string) => store.delete(k),
    });
    const clock = createFakeClock();
    createTransportMemory(clock).remember("http://ls/socket.io/", true);
    expect([...store.keys()]).toEqual(["cometa:ws-failed:http://ls/socket.io/"]);
    store.set("cometa:ws-failed:http://other/socket.io/", String(clock.now()));
    expect(createTransportMemory(clock).webSocketFailed("http://other/socket.io/")).toBe(true);
  });

  it("falls back to the module map when localStorage throws", () => {
    vi.stubGlobal("localStorage", {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => {
        throw new Error("SecurityError");
      },
    });
    const clock = createFakeClock();
    const memory = createTransportMemory(clock);
    memory.remember("http://throws/socket.io/", true);
    expect(memory.webSocketFailed("http://throws/socket.io/")).toBe(true);
  });
});
