import { PacketType } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import { acceptConnect, setup } from "./harness.js";

/**
 * Events a server replays before its CONNECT reply (connection state recovery, PROTOCOL.md §4.7) are held until
 * the reply, per attempt, and never lost silently.
 */
describe("Socket: recovery replay before CONNECT", () => {
  const event = (data: unknown[]) => ({ type: PacketType.EVENT, nsp: "/", data });

  /** A socket that was connected with pid "p1" and saw offset "e.0", now reconnecting. */
  function reconnecting() {
    const env = setup();
    const socket = env.manager.socket("/");
    const seen: unknown[] = [];
    socket.on("news", (n: unknown) => seen.push(n));
    env.engine().accept();
    acceptConnect(env.engine(), "/", "s1", "p1");
    env.engine().deliver(event(["news", 0, "e.0"]));
    env.engine().drop();
    env.clock.next();
    env.engine().accept();
    seen.length = 0;
    return { env, socket, seen };
  }

  it("an attempt that never got its CONNECT reply does not deliver its replay twice", () => {
    const { env, socket, seen } = reconnecting();
    env.engine().deliver(event(["news", 1, "e.1"]));
    env.engine().deliver(event(["news", 2, "e.2"]));
    env.engine().drop(); // lost before the CONNECT reply: the offset did not move, the server replays again
    env.clock.next();
    env.engine().accept();
    env.engine().deliver(event(["news", 1, "e.1"]));
    env.engine().deliver(event(["news", 2, "e.2"]));
    acceptConnect(env.engine(), "/", "s1", "p1");
    expect(seen).toEqual([1, 2]);
    expect(socket.recovered).toBe(true);
    expect(socket.offset).toBe("e.2");
  });

  it("a replay longer than the client holds (10 000 events) reports recovered = false instead of losing silently", () => {
    const { env, socket, seen } = reconnecting();
    for (let n = 1; n <= 10_001; n++) env.engine().deliver(event(["news", n, `e.${n}`]));
    acceptConnect(env.engine(), "/", "s1", "p1");
    expect(socket.recovered).toBe(false); // the app resyncs
    expect(seen).toHaveLength(10_000);
    expect(seen.at(-1)).toBe(10_000);
  });

  it("a replay that fits is delivered in full before the connect event, recovered = true", () => {
    const { env, socket, seen } = reconnecting();
    let atConnect = -1;
    socket.on("connect", () => (atConnect = seen.length));
    for (let n = 1; n <= 2_000; n++) env.engine().deliver(event(["news", n, `e.${n}`]));
    acceptConnect(env.engine(), "/", "s1", "p1");
    expect(socket.recovered).toBe(true);
    expect(atConnect).toBe(2_000);
  });
});
