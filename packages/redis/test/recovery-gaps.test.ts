import { connect, type Socket } from "@cometa/client";
import { createServer } from "@cometa/server";
import { Redis } from "ioredis";
import { io as ioClient } from "socket.io-client";
import * as msgpackParser from "socket.io-msgpack-parser";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createEmitter } from "../src/emitter.js";
import { type RedisAdapterFactory, redisAdapter } from "../src/redis-adapter.js";
import { type RedisRecoveryStores, redisRecoveryStores } from "../src/recovery/redis-recovery-stores.js";
import { describeRedis, useRedis } from "./redis-harness.js";

/**
 * Messages lost between Redis and one instance (RELIABILITY.md §2.2: pub/sub
 * drops silently) must not become lost events at its clients. Instance B's
 * feed subscriber goes through a test hook that swallows messages while
 * `dropping` is on, the way a cut-off subscriber loses them. A stream runs
 * from instance A to room "feed"; Cometa's client sits on B.
 */

// biome-ignore lint/suspicious/noExplicitAny: tests script the untyped server
type AnyServer = any;

describeRedis("gaps on an instance's feed, two instances on Redis", () => {
  const redis = useRedis();
  let clients: Redis[] = [];
  let servers: { io: AnyServer; port: number; stores: RedisRecoveryStores }[] = [];
  let adapters: RedisAdapterFactory[] = [];
  let sockets: Socket[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;
  let dropping = false;
  let dropped = 0;
  const reasons: string[] = [];
  const errors: unknown[] = [];

  /** A client whose duplicates (the feed's subscriber) lose pub/sub messages while `dropping` is on. */
  function lossyClient(): Redis {
    const client = new Redis(redis().url);
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (...args: Parameters<Redis["duplicate"]>) => {
      const subscriber = duplicate(...args);
      const emit = subscriber.emit.bind(subscriber);
      subscriber.emit = (event: string | symbol, ...rest: unknown[]) => {
        if (dropping && event === "messageBuffer") {
          dropped++;
          return true;
        }
        return emit(event, ...rest);
      };
      return subscriber;
    };
    return client;
  }

  beforeEach(async () => {
    dropping = false;
    dropped = 0;
    reasons.length = 0;
    errors.length = 0;
    for (let i = 0; i < 2; i++) {
      const client = i === 1 ? lossyClient() : new Redis(redis().url);
      clients.push(client);
      const stores = redisRecoveryStores(client, { maxDisconnectionDuration: 5000, checkEvery: 200, onError: (e) => errors.push(e) });
      const adapter = redisAdapter(client);
      adapters.push(adapter);
      const io = createServer({ adapter, connectionStateRecovery: { maxDisconnectionDuration: 5000, stores } });
      io.on("connection", (socket: AnyServer) => {
        if (!socket.recovered) socket.join("feed");
        socket.on("disconnect", (reason: string) => reasons.push(reason));
      });
      const { port } = await io.listen(0, "127.0.0.1");
      servers.push({ io, port, stores });
    }
  });
  afterEach(async () => {
    clearInterval(timer);
    for (const socket of sockets) socket.io.close();
    sockets = [];
    for (const server of servers) {
      await server.io.close();
      await server.stores.close();
    }
    servers = [];
    adapters = [];
    for (const client of clients) client.disconnect();
    clients = [];
  });

  const once = (socket: Socket, event: string) =>
    new Promise<unknown[]>((resolve) => (socket.once as (e: string, l: (...a: unknown[]) => void) => void)(event, (...args) => resolve(args)));

  /** Cometa's client on instance B, recording the stream. */
  async function clientOnB(): Promise<{ socket: Socket; got: number[] }> {
    const socket = connect(`http://127.0.0.1:${servers[1]!.port}`, {
      transports: ["polling"], // Node 20 has no global WebSocket
      reconnectionDelay: 50,
      reconnectionDelayMax: 50,
      randomizationFactor: 0,
    });
    sockets.push(socket);
    const got: number[] = [];
    (socket.on as (e: string, l: (n: number) => void) => void)("seq", (n) => got.push(n));
    await once(socket, "connect");
    return { socket, got };
  }

  /** A seq-stamped stream from instance A to room "feed", every 5 ms. */
  function stream(): () => number {
    let seq = 0;
    timer = setInterval(() => servers[0]!.io.to("feed").emit("seq", ++seq), 5);
    return () => seq;
  }

  it("messages dropped mid-stream and at its tail are read back from the log: lost 0, duplicated 0, reordered 0", async () => {
    const { got } = await clientOnB();
    const last = stream();
    await expect.poll(() => got.length, { timeout: 5000 }).toBeGreaterThan(10);
    dropping = true;
    await expect.poll(() => dropped, { timeout: 5000 }).toBeGreaterThan(20);
    dropping = false; // the next message names an entry B never saw: B reads the gap back first
    await expect.poll(() => got.length, { timeout: 5000 }).toBeGreaterThan(last() - 5);
    // Now lose the tail: nothing comes after it to reveal the gap, the idle check must find it.
    dropping = true;
    const before = dropped;
    await expect.poll(() => dropped, { timeout: 5000 }).toBeGreaterThan(before + 10);
    clearInterval(timer);
    const total = last();
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(total);
    expect(got).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(servers[1]!.stores.recoveryFeed.gapsFilled).toBeGreaterThanOrEqual(2);
    expect(reasons).toEqual([]); // nobody had to reconnect
    expect(errors).toEqual([]);
  });

  it("volatile broadcasts, from an instance or an emitter, are neither logged nor given an offset of their own", async () => {
    // socket.io-client over WebSocket (a volatile event may be dropped between two polls), which shows the raw arguments.
    const socket = ioClient(`http://127.0.0.1:${servers[1]!.port}`, { transports: ["websocket"], parser: msgpackParser, forceNew: true });
    const got: unknown[][] = [];
    socket.on("v", (...args: unknown[]) => got.push(args));
    try {
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      await adapters[1]!.backplane.subscribed(); // B follows room "feed" on the backplane
      const emitterClient = new Redis(redis().url);
      servers[0]!.io.to("feed").volatile.emit("v", "from A", 1);
      servers[1]!.io.volatile.emit("v", "from B", 2);
      const emitter = createEmitter(emitterClient);
      emitter.to("feed").volatile.emit("v", "from a worker", 3);
      await emitter.flush();
      emitterClient.disconnect();
      await expect.poll(() => got.length, { timeout: 5000 }).toBe(3);
      // Each carries B's current position, not an offset of its own: nothing was logged, so it is "" (none yet).
      expect(got.sort((x, y) => (x[1] as number) - (y[1] as number))).toEqual([
        ["from A", 1, ""],
        ["from B", 2, ""],
        ["from a worker", 3, ""],
      ]);
      expect(await clients[0]!.exists(servers[0]!.stores.log.streamKey("/"))).toBe(0); // nothing logged
      // After a logged event, volatile ones carry its offset (the position reached), never a new one.
      servers[0]!.io.to("feed").emit("v", "logged", 4);
      await expect.poll(() => got.length, { timeout: 5000 }).toBe(4);
      servers[0]!.io.to("feed").volatile.emit("v", "from A again", 5);
      await expect.poll(() => got.length, { timeout: 5000 }).toBe(5);
      expect(got[4]).toEqual(["from A again", 5, got[3]![2]]);
      expect(await clients[0]!.xlen(servers[0]!.stores.log.streamKey("/"))).toBe(1);
    } finally {
      socket.disconnect();
    }
  });

  it("a gap the log no longer holds: B's clients are disconnected ('insufficient state') and told recovered = false", async () => {
    const { socket, got } = await clientOnB();
    const id = socket.id;
    const last = stream();
    await expect.poll(() => got.length, { timeout: 5000 }).toBeGreaterThan(10);
    dropping = true;
    await expect.poll(() => dropped, { timeout: 5000 }).toBeGreaterThan(10);
    clearInterval(timer);
    const admin = new Redis(redis().url);
    await admin.xtrim(servers[0]!.stores.log.streamKey("/"), "MAXLEN", 0); // what the client missed is gone
    admin.disconnect();
    dropping = false;
    const reconnected = once(socket, "connect");
    servers[0]!.io.to("feed").emit("seq", last() + 1); // reveals the gap on B
    await reconnected;
    expect(reasons).toEqual(["insufficient state"]);
    expect(socket.recovered).toBe(false); // not a silent hole: the app knows to resync
    expect(socket.id).not.toBe(id);
    expect(servers[1]!.stores.recoveryFeed.gapsLost).toBe(1);
  });
});
