import { PacketType } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import { ClientError, ConnectError } from "../src/errors.js";
import type { SocketStateChange } from "../src/socket-types.js";
import { acceptConnect, connected, events, setup } from "./harness.js";

describe("Socket: state machine", () => {
  it("walks inactive → connecting → connected → connecting → connected → inactive", () => {
    const env = setup({ autoConnect: false });
    const socket = env.manager.socket("/");
    const changes: SocketStateChange[] = [];
    socket.onStateChange((c) => changes.push(c));
    expect(socket.state).toBe("inactive");
    expect(env.fakes.engines).toHaveLength(0);
    socket.connect();
    env.engine().accept();
    acceptConnect(env.engine());
    env.engine().drop();
    env.clock.next();
    env.engine().accept();
    acceptConnect(env.engine(), "/", "sid-2");
    socket.disconnect();
    expect(changes.map((c) => `${c.from}>${c.to}:${c.reason}`)).toEqual([
      "inactive>connecting:connect-called",
      "connecting>connected:connect-accepted",
      "connected>connecting:connection-lost",
      "connecting>connected:connect-accepted",
      "connected>inactive:client-disconnect",
    ]);
  });

  it("exposes id, connected, disconnected and active consistently", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    expect([socket.id, socket.connected, socket.disconnected, socket.active]).toEqual([undefined, false, true, true]);
    env.engine().accept();
    acceptConnect(env.engine());
    expect([socket.id, socket.connected, socket.disconnected, socket.active]).toEqual(["sid-1", true, false, true]);
    env.engine().drop();
    expect([socket.id, socket.connected, socket.disconnected, socket.active]).toEqual([undefined, false, true, true]);
    socket.disconnect();
    expect(socket.active).toBe(false);
  });

  it("emits connect once per accepted CONNECT and ignores a duplicate reply", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    let connects = 0;
    socket.on("connect", () => connects++);
    env.engine().accept();
    acceptConnect(env.engine());
    acceptConnect(env.engine(), "/", "other");
    expect(connects).toBe(1);
    expect(socket.id).toBe("sid-1");
  });

  it("sends only one CONNECT per connection, however often connect() is called", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    env.engine().accept();
    socket.connect();
    socket.connect();
    expect(env.engine().packets.filter((p) => p.type === PacketType.CONNECT)).toHaveLength(1);
  });

  it("turns CONNECT_ERROR into connect_error with the server's message and data, and stops", () => {
    const env = setup();
    const socket = env.manager.socket("/admin");
    const errors: unknown[] = [];
    socket.on("connect_error", (err) => errors.push(err));
    env.engine().accept();
    env.engine().deliver({ type: PacketType.CONNECT_ERROR, nsp: "/admin", data: { message: "Not authorized", data: { code: 42 } } });
    expect(errors).toHaveLength(1);
    const err = errors[0] as ConnectError;
    expect(err).toBeInstanceOf(ConnectError);
    expect(err.code).toBe("CONNECT_REFUSED");
    expect(err.message).toBe("Not authorized");
    expect(err.data).toEqual({ code: 42 });
    expect(socket.active).toBe(false);
    // It was the only socket: the connection is closed, and nothing reconnects.
    expect(env.manager.state).toBe("closed");
    expect(env.clock.pending).toEqual([]);
  });

  it("reports a CONNECT reply without sid as an unsupported (v2) server", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    const codes: string[] = [];
    socket.on("connect_error", (err) => codes.push((err as ClientError).code));
    env.engine().accept();
    env.engine().deliver({ type: PacketType.CONNECT, nsp: "/", data: {} });
    expect(codes).toEqual(["UNSUPPORTED_SERVER"]);
    expect(socket.connected).toBe(false);
  });

  it("refuses reserved event names", () => {
    const env = setup();
    const socket = connected(env);
    for (const name of ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]) {
      expect(() => socket.emit(name)).toThrowError(ClientError);
      try {
        socket.emit(name);
      } catch (err) {
        expect((err as ClientError).code).toBe("RESERVED_EVENT");
      }
    }
    expect(events(env.engine())).toEqual([]);
  });

  it("does not dispatch reserved names sent by a server", () => {
    const env = setup();
    const socket = connected(env);
    let connects = 0;
    socket.on("connect", () => connects++);
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["connect"] });
    expect(connects).toBe(0);
  });
});

describe("Socket: auth", () => {
  it("sends the auth object with CONNECT", () => {
    const env = setup();
    env.manager.socket("/", { auth: { token: "abc" } });
    env.engine().accept();
    expect(env.engine().packets).toEqual([{ type: PacketType.CONNECT, nsp: "/", data: { token: "abc" } }]);
  });

  it("calls an auth function before every (re)connection, callback or promise style", async () => {
    const env = setup();
    let n = 0;
    const socket = env.manager.socket("/", { auth: (cb: (d: Record<string, unknown>) => void) => cb({ n: ++n }) });
    env.engine().accept();
    expect(env.engine().packets[0]?.data).toEqual({ n: 1 });
    acceptConnect(env.engine());
    env.engine().drop();
    env.clock.next();
    env.engine().accept();
    expect(env.engine().packets[0]?.data).toEqual({ n: 2 });

    socket.auth = async () => ({ token: "later" });
    acceptConnect(env.engine());
    env.engine().drop();
    env.clock.next();
    env.engine().accept();
    await Promise.resolve();
    expect(env.engine().packets[0]?.data).toEqual({ token: "later" });
  });

  it("drops an async auth result that arrives after its connection ended", async () => {
    const env = setup();
    let release: (data: Record<string, unknown>) => void = () => {};
    env.manager.socket("/", { auth: () => new Promise<Record<string, unknown>>((r) => (release = r)) });
    const first = env.engine();
    first.accept();
    first.drop();
    release({ token: "stale" });
    await Promise.resolve();
    await Promise.resolve();
    expect(first.packets).toEqual([]);
  });

  it("reports a failing auth function as connect_error AUTH_FAILED", async () => {
    const env = setup();
    const socket = env.manager.socket("/", {
      auth: () => {
        throw new Error("no token");
      },
    });
    const codes: string[] = [];
    socket.on("connect_error", (err) => codes.push((err as ClientError).code));
    env.engine().accept();
    expect(codes).toEqual(["AUTH_FAILED"]);
    expect(socket.active).toBe(false);
  });
});

describe("Socket: connection state recovery", () => {
  it("sends {pid, offset, ...auth} on reconnection and sets recovered", () => {
    const env = setup();
    const socket = env.manager.socket("/", { auth: { token: "t" } });
    const got: unknown[][] = [];
    socket.on("news", (...args: unknown[]) => got.push(args));
    env.engine().accept();
    acceptConnect(env.engine(), "/", "s1", "p1");
    expect(socket.recovered).toBe(false);
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["news", 1, "off-1"] });
    env.engine().drop();
    env.clock.next();
    env.engine().accept();
    expect(env.engine().packets[0]).toEqual({
      type: PacketType.CONNECT,
      nsp: "/",
      data: { pid: "p1", offset: "off-1", token: "t" },
    });
    // Missed events arrive before the CONNECT reply: they wait, then follow `connect`'s state.
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["news", 2, "off-2"] });
    expect(got).toHaveLength(1);
    acceptConnect(env.engine(), "/", "s1", "p1");
    expect(socket.recovered).toBe(true);
    // Listeners never see the offset (socket.io-client would pass it as an extra argument).
    expect(got).toEqual([[1], [2]]);
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["news", 3, ""] }); // "no offset yet": stripped, not kept
    expect(got).toEqual([[1], [2], [3]]);
    env.engine().drop();
    env.clock.next();
    env.engine().accept();
    expect(env.engine().packets[0]).toMatchObject({ data: { pid: "p1", offset: "off-2" } });
  });

  it("keeps string arguments of events with an ack id, and of servers without recovery", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    const got: unknown[][] = [];
    socket.on("ask", (...args: unknown[]) => got.push(args.filter((a) => typeof a !== "function")));
    env.engine().accept();
    acceptConnect(env.engine(), "/", "s1");
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["ask", "a"] });
    env.engine().drop();
    env.clock.next();
    env.engine().accept();
    // No pid was ever given: a plain CONNECT, and nothing stripped.
    expect(env.engine().packets[0]).toEqual({ type: PacketType.CONNECT, nsp: "/", data: undefined });
    acceptConnect(env.engine(), "/", "s2", "p2");
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", id: 4, data: ["ask", "b"] });
    expect(got).toEqual([["a"], ["b"]]);
  });

  it("is not recovered when the server answers with a new pid, and then tracks the new session", () => {
    const env = setup();
    const socket = env.manager.socket("/");
    env.engine().accept();
    acceptConnect(env.engine(), "/", "s1", "p1");
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["news", "off-1"] });
    env.engine().drop();
    env.clock.next();
    env.engine().accept();
    acceptConnect(env.engine(), "/", "s2", "p2");
    expect(socket.recovered).toBe(false);
    expect(socket.id).toBe("s2");
    env.engine().deliver({ type: PacketType.EVENT, nsp: "/", data: ["news", "off-9"] });
    env.engine().drop();
    env.clock.next();
    env.engine().accept();
    expect(env.engine().packets[0]).toMatchObject({ data: { pid: "p2", offset: "off-9" } });
  });
});
