import { afterEach, describe, expect, it } from "vitest";
import { InteropHarness, once, VARIANTS } from "./interop/interop-harness.js";

/**
 * Connection state recovery with the official socket.io-client 4.8
 * (PROTOCOL.md §4.7): it sends `{pid, offset}` in its CONNECT and expects the
 * missed events, with their offsets as an extra last argument, before the
 * CONNECT reply. `maxDisconnectionDuration` is 1.5 s so "past the window" is fast.
 */

const WINDOW = 1500;
const variants = VARIANTS.filter((v) => v.name.startsWith("websocket") || v.name === "polling × text");

describe.each(variants)("recovery with socket.io-client 4.8 — $name", (variant) => {
  let harness: InteropHarness;
  let timer: ReturnType<typeof setInterval> | undefined;

  afterEach(async () => {
    clearInterval(timer);
    await harness.dispose();
  });

  async function streaming() {
    harness = await new InteropHarness(variant).start({ connectionStateRecovery: { maxDisconnectionDuration: WINDOW } });
    let seq = 0;
    const recovered: boolean[] = [];
    harness.io.on("connection", (socket) => {
      recovered.push(socket.recovered);
      if (!socket.recovered) socket.join("feed");
    });
    // Started once the client is in: what it must get is everything from seq 1.
    const run = () => {
      timer = setInterval(() => harness.io.to("feed").emit("seq", ++seq), 5);
    };
    return { recovered, run, last: () => seq };
  }

  it("recovers after a short disconnection: same id, every missed event once and in order", async () => {
    const server = await streaming();
    const socket = harness.client("/", { reconnection: true, reconnectionDelay: 300, reconnectionDelayMax: 300, randomizationFactor: 0 });
    const got: number[] = [];
    socket.on("seq", (n: number, offset: unknown) => {
      got.push(n);
      expect(typeof offset).toBe("string"); // the official client hands the offset to listeners
    });
    await once(socket, "connect");
    server.run();
    const firstId = socket.id;
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.io.engine.close();
    await once(socket, "connect");
    expect(socket.recovered).toBe(true);
    expect(socket.id).toBe(firstId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    clearInterval(timer);
    const sentinel = once(socket, "sentinel");
    harness.io.to("feed").emit("sentinel");
    await sentinel;
    expect(got).toEqual(Array.from({ length: server.last() }, (_, i) => i + 1));
    expect(server.recovered).toEqual([false, true]);
  });

  it("is not recovered past maxDisconnectionDuration", async () => {
    const server = await streaming();
    const delay = WINDOW + 500;
    const socket = harness.client("/", { reconnection: true, reconnectionDelay: delay, reconnectionDelayMax: delay, randomizationFactor: 0 });
    socket.on("seq", () => {});
    await once(socket, "connect");
    server.run();
    await new Promise((resolve) => setTimeout(resolve, 50)); // at least one offset-bearing event
    socket.io.engine.close();
    await once(socket, "connect");
    expect(socket.recovered).toBe(false);
    expect(server.recovered).toEqual([false, false]);
  });
});
