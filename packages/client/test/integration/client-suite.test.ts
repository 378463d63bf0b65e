import { afterEach, describe, expect, it } from "vitest";
import { connect } from "../../src/index.js";
import type { ConnectOptions, Socket } from "../../src/index.js";
import { textCodec } from "../../src/json.js";
import { drivers, type ServerSocket, type TestServer } from "./server-drivers.js";

/**
 * The client against real servers: written once, run per server driver
 * (official socket.io with each parser; Cometa's server when available).
 */

let servers: TestServer[] = [];
let sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets) socket.io.close();
  sockets = [];
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** Resolve with the arguments of the next `event` on `target`. */
// biome-ignore lint/suspicious/noExplicitAny: any emitter (our socket, our manager, a server namespace)
function next<T extends unknown[] = unknown[]>(target: { once(event: any, listener: any): unknown }, event: string): Promise<T> {
  return new Promise((resolve) => target.once(event, (...args: unknown[]) => resolve(args as T)));
}

const cases = drivers.flatMap((driver) => [
  { ...driver, mode: "WebSocket first", transports: undefined },
  { ...driver, mode: "polling only", transports: ["polling" as const] },
]);

describe.each(cases)("client against $name ($mode)", (driver) => {
  async function start(port?: number): Promise<TestServer> {
    const server = await driver.start(port);
    servers.push(server);
    return server;
  }

  function client(server: TestServer, nsp = "/", options: ConnectOptions<"msgpack" | "text"> = {}): Socket {
    const socket = connect(server.origin + nsp, {
      // The default entry bundles MessagePack only; the text codec comes from the json entry.
      codec: driver.codec === "text" ? textCodec : "msgpack",
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      ...(driver.transports === undefined ? {} : { transports: driver.transports }),
      ...options,
    });
    sockets.push(socket);
    return socket;
  }

  it("connects and gets a socket id from the server", async () => {
    const server = await start();
    const serverSide = next<[ServerSocket]>(server.io.of("/"), "connection");
    const socket = client(server);
    await next(socket, "connect");
    const [remote] = await serverSide;
    expect(socket.connected).toBe(true);
    expect(socket.id).toBe(remote.id);
    expect(socket.io.engine?.transport).toBe(driver.transports?.[0] ?? "websocket");
  });

  it("multiplexes namespaces over one connection", async () => {
    const server = await start();
    const engineIds: string[] = [];
    for (const nsp of ["/", "/admin"]) server.io.of(nsp).on("connection", (s: ServerSocket) => engineIds.push(s.conn.id));
    const root = client(server, "/");
    const admin = client(server, "/admin");
    expect(admin.io).toBe(root.io);
    await Promise.all([next(root, "connect"), next(admin, "connect")]);
    expect(engineIds).toHaveLength(2);
    expect(engineIds[0]).toBe(engineIds[1]);
    expect(admin.id).not.toBe(root.id);
  });

  it("sends auth from a function on every (re)connection", async () => {
    const server = await start();
    const seen: unknown[] = [];
    server.io.of("/").use((s, nextFn) => {
      seen.push(s.handshake.auth);
      nextFn();
    });
    let n = 0;
    const socket = client(server, "/", { auth: (cb: (d: Record<string, unknown>) => void) => cb({ token: `t${++n}` }) });
    await next(socket, "connect");
    const remote = await new Promise<ServerSocket>((resolve) => {
      server.io.of("/").on("connection", resolve);
      socket.io.engine?.close(); // drop from the client's transport side: the manager reconnects
    });
    expect(remote.handshake.auth).toEqual({ token: "t2" });
    expect(seen).toEqual([{ token: "t1" }, { token: "t2" }]);
  });

  it("acknowledges both ways", async () => {
    const server = await start();
    server.io.of("/").on("connection", (s: ServerSocket) => {
      s.on("sum", (a: number, b: number, ack: (r: number) => void) => ack(a + b));
      s.emit("ask", "name?", (answer: string) => s.emit("answered", answer));
    });
    const socket = client(server);
    socket.on("ask", (_q: string, reply: (a: string) => void) => reply("cometa"));
    const answered = next<[string]>(socket, "answered");
    await next(socket, "connect");
    await expect(socket.timeout(5000).emitWithAck("sum", 2, 3)).resolves.toBe(5);
    expect(await answered).toEqual(["cometa"]);
  });

  it("round-trips binary (Uint8Array, ArrayBuffer, typed arrays, Blob)", async () => {
    const server = await start();
    server.io.of("/").on("connection", (s: ServerSocket) => {
      s.on("echo", (...args: unknown[]) => {
        const ack = args.pop() as (...r: unknown[]) => void;
        ack(...args);
      });
    });
    const socket = client(server);
    await next(socket, "connect");
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const reply = await socket.timeout(5000).emitWithAck("echo", {
      u8: bytes,
      ab: bytes.buffer,
      u16: new Uint16Array([1, 65535]),
      blob: new Blob([new Uint8Array([7, 7])]),
    });
    const toArray = (v: unknown) => [...new Uint8Array(v as ArrayBuffer)];
    const r = reply as Record<string, Uint8Array>;
    expect(r.u8).toBeInstanceOf(Uint8Array);
    expect(toArray(r.u8)).toEqual([0, 1, 2, 255]);
    expect(toArray(r.ab)).toEqual([0, 1, 2, 255]);
    expect(toArray(r.u16)).toEqual([1, 0, 255, 255]);
    expect(toArray(r.blob)).toEqual([7, 7]);
  });

  it("delivers volatile emits while connected and drops them while disconnected", async () => {
    const server = await start();
    const received: string[] = [];
    server.io.of("/").on("connection", (s: ServerSocket) => {
      s.on("v", (tag: string) => received.push(tag));
      s.on("sync", (ack: () => void) => ack());
    });
    const socket = client(server);
    await next(socket, "connect");
    socket.volatile.emit("v", "live");
    await socket.timeout(5000).emitWithAck("sync");
    const lost = next(socket, "disconnect");
    socket.io.engine?.close();
    await lost;
    socket.volatile.emit("v", "offline");
    await next(socket, "connect");
    await socket.timeout(5000).emitWithAck("sync");
    // On polling, "live" may legitimately be dropped too: a volatile emit is dropped while a POST is in flight.
    expect(received).toEqual(driver.transports === undefined ? ["live"] : received.filter((tag) => tag === "live"));
    expect(received).not.toContain("offline");
  });

  it("buffers emits across a server-side connection drop and sends them in order after reconnecting", async () => {
    const server = await start();
    const received: number[] = [];
    let conns = 0;
    server.io.of("/").on("connection", (s: ServerSocket) => {
      conns++;
      s.on("n", (i: number) => received.push(i));
      s.on("sync", (ack: () => void) => ack());
      s.on("drop", () => s.conn.close()); // engine-level close: not a namespace disconnect
    });
    const socket = client(server);
    await next(socket, "connect");
    const gone = next<[string]>(socket, "disconnect");
    socket.emit("drop");
    expect((await gone)[0]).toBe("transport close");
    for (let i = 0; i < 20; i++) socket.emit("n", i);
    expect(socket.bufferedCount).toBe(20);
    await next(socket, "connect");
    await socket.timeout(5000).emitWithAck("sync");
    expect(received).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(conns).toBe(2);
  });

  it("reconnects after the server restarts on the same port", async () => {
    const first = await start();
    const socket = client(first);
    await next(socket, "connect");
    const firstId = socket.id;
    const gone = next<[string]>(socket, "disconnect");
    await first.close();
    servers = servers.filter((s) => s !== first);
    await gone;
    expect(socket.active).toBe(true);
    const second = await start(first.port);
    second.io.of("/").on("connection", (s: ServerSocket) => s.on("ping?", (ack: (v: string) => void) => ack("pong")));
    const reconnected = next<[number]>(socket.io, "reconnect");
    await next(socket, "connect");
    expect((await reconnected)[0]).toBeGreaterThanOrEqual(1);
    expect(socket.id).not.toBe(firstId);
    await expect(socket.timeout(5000).emitWithAck("ping?")).resolves.toBe("pong");
  });

  it("reports a refused namespace as connect_error with the server's message and data", async () => {
    const server = await start();
    server.io.of("/admin").use((_s, nextFn) => {
      nextFn(Object.assign(new Error("Not authorized"), { data: { code: 42, reason: "no token" } }));
    });
    const socket = client(server, "/admin");
    const [err] = await next<[Error & { code: string; data: unknown }]>(socket, "connect_error");
    expect(err.code).toBe("CONNECT_REFUSED");
    expect(err.message).toBe("Not authorized");
    expect(err.data).toEqual({ code: 42, reason: "no token" });
    expect(socket.active).toBe(false);
  });

  it("retries an unacknowledged emit until the server acks it", async () => {
    const server = await start();
    let calls = 0;
    server.io.of("/").on("connection", (s: ServerSocket) => {
      s.on("flaky", (value: string, ack: (r: string) => void) => {
        calls++;
        if (calls === 2) ack(`got ${value}`); // the first transmission is "lost"
      });
    });
    const socket = client(server, "/", { retries: 3, ackTimeout: 100 });
    await next(socket, "connect");
    await expect(socket.emitWithAck("flaky", "x")).resolves.toBe("got x");
    expect(calls).toBe(2);
  });

  // On polling the DISCONNECT often waits behind the POST of an earlier packet; the engine's close sends it along.
  it("leaves deliberately: the server sees a namespace disconnect", async () => {
    const server = await start();
    const reason = new Promise<string>((resolve) => {
      server.io.of("/").on("connection", (s: ServerSocket) => s.on("disconnect", resolve));
    });
    const socket = client(server);
    await next(socket, "connect");
    const gone = next<[string]>(socket, "disconnect");
    socket.disconnect();
    expect((await gone)[0]).toBe("io client disconnect");
    expect(await reason).toBe("client namespace disconnect");
    expect(socket.io.state).toBe("closed");
  });

  it("disconnects for good when the server disconnects the socket", async () => {
    const server = await start();
    server.io.of("/").on("connection", (s: ServerSocket) => s.on("kick", () => s.disconnect()));
    const socket = client(server);
    await next(socket, "connect");
    const gone = next<[string]>(socket, "disconnect");
    socket.emit("kick");
    expect((await gone)[0]).toBe("io server disconnect");
    expect(socket.active).toBe(false);
    expect(socket.io.state).toBe("closed");
  });
});
