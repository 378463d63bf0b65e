import { PacketType } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import { ClientError } from "../src/errors.js";
import type { ManagerStateChange } from "../src/manager.js";
import { acceptConnect, connected, setup } from "./harness.js";

describe("Manager: connecting", () => {
  it("opens one engine with the engine options and the injected clock, then sends CONNECT", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    expect(env.fakes.engines).toHaveLength(1);
    const engine = env.engine();
    expect(engine.opened).toBe(true);
    expect(engine.options.clock).toBe(env.clock);
    expect(engine.options.origin).toBe("http://example.test");
    expect(env.manager.state).toBe("opening");
    engine.accept();
    expect(env.manager.state).toBe("open");
    expect(env.log).toEqual(["open"]);
    expect(engine.packets).toEqual([{ type: PacketType.CONNECT, nsp: "/" }]);
    acceptConnect(engine);
    expect(socket.connected).toBe(true);
    expect(socket.id).toBe("sid-1");
  });

  it("multiplexes namespaces on one engine and routes packets by namespace", () => {
    const env = setup();
    const root = env.manager.socket("/");
    const admin = env.manager.socket("/admin");
    expect(env.manager.socket("/admin")).toBe(admin);
    env.engine().accept();
    expect(env.engine().packets.map((p) => p.nsp)).toEqual(["/", "/admin"]);
    acceptConnect(env.engine(), "/admin", "a1");
    expect(admin.connected).toBe(true);
    expect(root.connected).toBe(false);
    const got: unknown[] = [];
    admin.on("hello", (x: unknown) => got.push(["admin", x]));
    root.on("hello", (x: unknown) => got.push(["root", x]));
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/admin", data: ["hello", 1] });
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/nowhere", data: ["hello", 2] });
    expect(got).toEqual([["admin", 1]]);
    expect(env.fakes.engines).toHaveLength(1);
  });

  it("reports every transition through one funnel as {from, to, reason}", () => {
    const env = setup();
    const changes: ManagerStateChange[] = [];
    env.manager.on("state", (c) => changes.push(c));
    connected(env);
    env.engine().drop("transport close");
    env.clock.next();
    env.engine().accept();
    env.manager.close();
    expect(changes).toEqual([
      { from: "closed", to: "opening", reason: "open-requested" },
      { from: "opening", to: "open", reason: "handshake" },
      { from: "open", to: "waiting", reason: "connection-lost" },
      { from: "waiting", to: "opening", reason: "retry-due" },
      { from: "opening", to: "open", reason: "handshake" },
      { from: "open", to: "closed", reason: "client-close" },
    ]);
  });

  it("opens the engine with the `timeout`, and reports its handshake timeout as CONNECT_TIMEOUT", () => {
    const env = setup({ timeout: 5000 });
    const socket = env.manager.socket("/");
    const errors: string[] = [];
    const reasons: string[] = [];
    socket.on("connect_error", (err) => errors.push((err as Error & { code: string }).code));
    env.manager.on("state", (change) => reasons.push(change.reason));
    const first = env.engine();
    expect(first.options.timeout).toBe(5000);
    first.drop("transport error", { error: new ClientError("HANDSHAKE_TIMEOUT", "no handshake in time") });
    expect(env.log).toEqual(["error:CONNECT_TIMEOUT"]);
    expect(errors).toEqual(["CONNECT_TIMEOUT"]);
    expect(reasons).toEqual(["connect-timeout"]);
    expect(env.manager.state).toBe("waiting");
    expect(socket.active).toBe(true);
  });

  it("ignores callbacks from an engine it already dropped", () => {
    const env = setup();
    connected(env);
    const stale = env.engine();
    stale.onMessage("{not json"); // a parse error: the manager drops this engine and waits to reconnect
    expect(stale.closed).toBe(true);
    env.clock.next(); // retry
    const fresh = env.engine();
    expect(fresh).not.toBe(stale);
    stale.accept();
    stale.onClose("transport error");
    expect(env.manager.state).toBe("opening");
    fresh.accept();
    expect(env.manager.state).toBe("open");
  });
});

describe("Manager: reconnection", () => {
  it("reconnects after a lost connection with backoff, then rejoins every namespace", () => {
    const env = setup();
    const socket = connected(env);
    const reasons: string[] = [];
    socket.on("disconnect", (reason) => reasons.push(reason));
    env.engine().drop("ping timeout");
    expect(reasons).toEqual(["ping timeout"]);
    expect(socket.active).toBe(true);
    expect(env.clock.pending).toEqual([1000]);
    env.clock.advance(1000);
    expect(env.log).toEqual(["open", "close:ping timeout", "reconnect_attempt:1"]);
    const second = env.engine();
    second.accept();
    expect(env.log.slice(3)).toEqual(["open", "reconnect:1"]);
    expect(second.packets).toEqual([{ type: PacketType.CONNECT, nsp: "/" }]);
    acceptConnect(second, "/", "sid-2");
    expect(socket.id).toBe("sid-2");
  });

  it("grows the delay per failed attempt and resets it after a success", () => {
    const env = setup();
    connected(env);
    env.engine().drop();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      delays.push(env.clock.next());
      env.engine().drop("transport error", { status: 502 });
    }
    expect(delays).toEqual([1000, 2000, 4000, 5000]);
    expect(env.log.filter((e) => e.startsWith("reconnect_error"))).toHaveLength(4);
    env.clock.next();
    env.engine().accept();
    expect(env.log.at(-1)).toBe("reconnect:5");
    env.engine().drop();
    expect(env.clock.pending).toEqual([1000]);
  });

  it("gives up after reconnectionAttempts and deactivates the sockets", () => {
    const env = setup({ reconnectionAttempts: 2 });
    const socket = connected(env);
    env.engine().drop();
    env.clock.next();
    env.engine().drop("transport error");
    env.clock.next();
    env.engine().drop("transport error");
    expect(env.log.slice(1)).toEqual([
      "close:transport close",
      "reconnect_attempt:1",
      "error:CONNECT_FAILED",
      "reconnect_error:CONNECT_FAILED",
      "reconnect_attempt:2",
      "error:CONNECT_FAILED",
      "reconnect_error:CONNECT_FAILED",
      "reconnect_failed",
    ]);
    expect(env.manager.state).toBe("closed");
    expect(socket.active).toBe(false);
    expect(env.clock.pending).toEqual([]);
    // connect() starts over.
    socket.connect();
    expect(env.manager.state).toBe("opening");
  });

  it("obeys the server-requested wait (retryAfterMs) instead of retrying early", () => {
    const env = setup();
    connected(env);
    env.engine().drop("transport close", { retryAfterMs: 30_000 });
    expect(env.clock.pending).toEqual([30_000]);
    env.clock.advance(29_999);
    expect(env.fakes.engines).toHaveLength(1);
    env.clock.advance(1);
    expect(env.fakes.engines).toHaveLength(2);
    // A 503 with Retry-After during the handshake too.
    env.engine().drop("transport error", { status: 503, retryAfterMs: 10_000 });
    expect(env.clock.pending).toEqual([10_000]);
  });

  it("tries again after a failed first connection", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    const errors: unknown[] = [];
    socket.on("connect_error", (err) => errors.push(err));
    env.engine().drop("transport error", { status: 400, body: { code: 3, message: "Bad request" } });
    expect(env.log).toEqual(["error:CONNECT_FAILED"]);
    expect(errors).toHaveLength(1);
    expect((errors[0] as { detail: unknown }).detail).toEqual({ status: 400, body: { code: 3, message: "Bad request" } });
    env.clock.next();
    env.engine().accept();
    acceptConnect(env.engine());
    expect(socket.connected).toBe(true);
    expect(env.log).toEqual(["error:CONNECT_FAILED", "reconnect_attempt:1", "open", "reconnect:1"]);
  });

  it("does not reconnect when reconnection is off", () => {
    const env = setup({ reconnection: false });
    const socket = connected(env);
    env.engine().drop();
    expect(env.manager.state).toBe("closed");
    expect(env.clock.pending).toEqual([]);
    expect(socket.active).toBe(false);
  });

  it("does not reconnect after close(), even from a reconnect_attempt listener", () => {
    const env = setup();
    const socket = connected(env);
    const reasons: string[] = [];
    socket.on("disconnect", (r) => reasons.push(r));
    env.manager.close();
    expect(env.engine().closed).toBe(true);
    expect(reasons).toEqual(["forced close"]);
    expect(env.log.at(-1)).toBe("close:forced close");
    expect(env.clock.pending).toEqual([]);
    expect(socket.active).toBe(false);

    const env2 = setup();
    connected(env2);
    env2.manager.on("reconnect_attempt", () => env2.manager.close());
    env2.engine().drop();
    env2.clock.next();
    expect(env2.fakes.engines).toHaveLength(1);
    expect(env2.manager.state).toBe("closed");
  });

  it("does not reconnect after the last socket disconnects deliberately", () => {
    const env = setup();
    const socket = connected(env);
    socket.disconnect();
    expect(env.engine().packets.at(-1)).toEqual({ type: PacketType.DISCONNECT, nsp: "/" });
    expect(env.engine().closed).toBe(true);
    expect(env.manager.state).toBe("closed");
    expect(env.clock.pending).toEqual([]);
  });

  it("does not reconnect after the server disconnects the last socket", () => {
    const env = setup();
    const socket = connected(env);
    const reasons: string[] = [];
    socket.on("disconnect", (r) => reasons.push(r));
    env.engine().deliver({ type: PacketType.DISCONNECT, nsp: "/" });
    expect(reasons).toEqual(["io server disconnect"]);
    expect(socket.active).toBe(false);
    expect(env.manager.state).toBe("closed");
    expect(env.clock.pending).toEqual([]);
  });

  it("keeps the connection while another namespace is still active", () => {
    const env = setup();
    const root = connected(env);
    const admin = env.manager.socket("/admin");
    acceptConnect(env.engine(), "/admin", "a1");
    admin.disconnect();
    expect(env.manager.state).toBe("open");
    expect(root.connected).toBe(true);
  });

  it("treats an undecodable frame as a parse error and reconnects", () => {
    const env = setup();
    const socket = connected(env);
    const reasons: string[] = [];
    socket.on("disconnect", (r) => reasons.push(r));
    env.engine().onMessage("{not json");
    expect(reasons).toEqual(["parse error"]);
    expect(env.engine().closed).toBe(true);
    expect(env.manager.state).toBe("waiting");
  });
});
