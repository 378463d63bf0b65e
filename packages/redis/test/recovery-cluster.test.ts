import { createServer } from "@cometa/server";
import { Redis } from "ioredis";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import * as msgpackParser from "socket.io-msgpack-parser";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createEmitter } from "../src/emitter.js";
import { redisAdapter } from "../src/redis-adapter.js";
import { type RedisRecoveryStores, redisRecoveryStores } from "../src/recovery/redis-recovery-stores.js";
import { describeRedis, useRedis } from "./redis-harness.js";
import { TcpProxy } from "./tcp-proxy.js";

/**
 * Connection state recovery across three instances on one Redis: the log
 * is a Redis stream with a feed, sessions and de-duplication live in Redis.
 * Clients are the official socket.io-client (recovery built in) behind a TCP
 * proxy that stands for the load balancer. Disconnections of 1 s and 10 s
 * (the figures) inside a 12 s `maxDisconnectionDuration`.
 */

// 12 s: room for the 10 s disconnection inside the window (the default is 2 minutes).
const WINDOW = 12_000;
// biome-ignore lint/suspicious/noExplicitAny: tests script the untyped server
type AnyServer = any;

describeRedis("recovery across three instances on Redis", () => {
  const redis = useRedis();
  let clients: Redis[] = [];
  let servers: { io: AnyServer; port: number; stores: RedisRecoveryStores; closed: boolean }[] = [];
  let sockets: ClientSocket[] = [];
  let proxy: TcpProxy;
  let timer: ReturnType<typeof setInterval> | undefined;
  const errors: unknown[] = [];

  beforeEach(async () => {
    errors.length = 0;
    for (let i = 0; i < 3; i++) {
      const client = new Redis(redis().url);
      clients.push(client);
      const stores = redisRecoveryStores(client, { maxDisconnectionDuration: WINDOW, onError: (e) => errors.push(e) });
      const io = createServer({
        adapter: redisAdapter(client),
        connectionStateRecovery: { maxDisconnectionDuration: WINDOW, stores },
        pingInterval: 1000,
        pingTimeout: 1000,
        onError: (e) => errors.push(e),
      });
      io.on("connection", (socket: AnyServer) => {
        if (!socket.recovered) socket.join("feed");
      });
      const { port } = await io.listen(0, "127.0.0.1");
      servers.push({ io, port, stores, closed: false });
    }
    proxy = await new TcpProxy(servers[0]!.port).listen();
  });
  afterEach(async () => {
    clearInterval(timer);
    for (const socket of sockets) socket.disconnect();
    sockets = [];
    await proxy.close();
    for (const server of servers) if (!server.closed) await server.io.close();
    for (const server of servers) await server.stores.close();
    servers = [];
    for (const client of clients) client.disconnect();
    clients = [];
  });

  function client(delay: number): ClientSocket {
    const socket = connect(`http://127.0.0.1:${proxy.port}`, {
      transports: ["websocket"],
      parser: msgpackParser,
      forceNew: true,
      reconnectionDelay: delay,
      reconnectionDelayMax: delay,
      randomizationFactor: 0,
    });
    sockets.push(socket);
    return socket;
  }

  const once = (socket: ClientSocket, event: string) => new Promise<unknown[]>((resolve) => socket.once(event, (...args: unknown[]) => resolve(args)));

  /** A seq-stamped stream to room "feed", published by instance 2 every 5 ms. */
  function stream(): () => number {
    let seq = 0;
    timer = setInterval(() => servers[2]!.io.to("feed").emit("seq", ++seq), 5);
    return () => seq;
  }

  async function finish(socket: ClientSocket, got: number[], last: () => number): Promise<void> {
    clearInterval(timer);
    const sentinel = once(socket, "sentinel");
    servers[2]!.io.to("feed").emit("sentinel");
    await sentinel;
    expect(got).toEqual(Array.from({ length: last() }, (_, i) => i + 1)); // lost 0, duplicated 0, reordered 0
  }

  for (const [label, gap, land] of [
    ["1 s, back on another instance", 1000, 1],
    ["10 s, back on another instance", 10_000, 2],
  ] as const) {
    it(`recovers after ${label}`, async () => {
      const socket = client(gap);
      const got: number[] = [];
      socket.on("seq", (n: number) => got.push(n));
      await once(socket, "connect");
      const last = stream();
      const id = socket.id;
      await new Promise((resolve) => setTimeout(resolve, 100));
      proxy.retarget(servers[land]!.port);
      proxy.cut();
      await once(socket, "connect");
      expect(socket.recovered).toBe(true);
      expect(socket.id).toBe(id);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await finish(socket, got, last);
      expect(errors).toEqual([]);
    });
  }

  it("an emitter with recovery: a worker's events are logged, carry offsets, and are replayed after a reconnection", async () => {
    const worker = new Redis(redis().url);
    clients.push(worker);
    const emitter = createEmitter(worker, { recovery: { maxDisconnectionDuration: WINDOW } });
    const socket = client(300);
    const got: unknown[][] = [];
    socket.on("job", (...args: unknown[]) => got.push(args));
    await once(socket, "connect");
    const id = socket.id;
    for (let n = 1; n <= 3; n++) emitter.to("feed").emit("job", n);
    await emitter.flush();
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(3);
    expect(got[2]![1]).toMatch(/^\w+\.\d+-\d+$/); // an offset of the stream (socket.io-client shows it)
    proxy.retarget(servers[1]!.port);
    proxy.cut();
    for (let n = 4; n <= 6; n++) emitter.to("feed").emit("job", n); // while the client is away
    emitter.to("feed").volatile.emit("job", 0); // live only: never logged, so never replayed
    await emitter.flush();
    await once(socket, "connect");
    expect(socket.recovered).toBe(true);
    expect(socket.id).toBe(id);
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(6);
    expect(got.map((args) => args[0])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await worker.xlen(servers[0]!.stores.log.streamKey("/"))).toBe(6);
  });

  it("past the window: recovered = false", async () => {
    const socket = client(WINDOW + 500);
    socket.on("seq", () => {});
    await once(socket, "connect");
    stream();
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.retarget(servers[1]!.port);
    proxy.cut();
    await once(socket, "connect");
    expect(socket.recovered).toBe(false);
  });

  it("failover: the instance holding the session shuts down; the client resumes on another with nothing lost", async () => {
    const socket = client(200);
    const got: number[] = [];
    socket.on("seq", (n: number) => got.push(n));
    await once(socket, "connect");
    const last = stream();
    await new Promise((resolve) => setTimeout(resolve, 100));
    proxy.retarget(servers[1]!.port);
    servers[0]!.closed = true;
    await servers[0]!.io.close(); // sessions are saved to Redis as their sockets close
    await once(socket, "connect");
    expect(socket.recovered).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await finish(socket, got, last);
  });
});
