import { ChannelNames, type RedisAdapterFactory, redisAdapter } from "@cometa/redis";
import { createServer, type Server } from "@cometa/server";
import { Redis } from "ioredis";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import * as msgpackParser from "socket.io-msgpack-parser";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeRedis, type RedisProcess, startRedis } from "../../../redis/test/redis-harness.js";

/**
 * RELIABILITY.md §4(d) S14: Redis channel isolation, end to end. Two Cometa
 * servers share rooms through a password-protected Redis; clients name the
 * rooms (through an app handler that joins whatever it is given, the way an
 * app that forgets to validate would). Room names with glob, separator,
 * hash-tag and keyspace-notification look-alikes must stay literal: no
 * pattern subscription, every channel under the cluster's prefix, escaped,
 * and a broadcast to `room*` reaching only the literal room on the other
 * node. The adapter-level version of this row is the redis package's R4
 * test (`packages/redis/test/room-subscriptions.test.ts`), on the channel
 * names directly.
 */

const PASSWORD = "s14-test-password";
/** Room names a client might send, each with a plain room it must not reach. */
const TRICKY: readonly [literal: string, lookAlike: string][] = [
  ["room*", "room1"],
  ["*", "lobby"],
  ["[a-z]", "a"],
  ["r?", "r1"],
  ["a#b", "a"],
  ["#r#lobby", "lobby"],
  ["{tag}", "tag"],
  ["%2A", "*"],
  ["__keyevent@0__:expired", "expired"],
  ["other-app#/#", "x"],
];

const channels = new ChannelNames();

describeRedis("S14: Redis channel isolation", () => {
  let redis: RedisProcess;
  let template: Redis;
  const servers: Server[] = [];
  const adapters: RedisAdapterFactory[] = [];
  const ports: number[] = [];
  const clients: ClientSocket[] = [];
  const cli = (...args: string[]) => redis.cli("-a", PASSWORD, "--no-auth-warning", ...args);

  beforeAll(async () => {
    redis = await startRedis();
    // Readiness is probed without a password, so the password is set once it is up.
    redis.cli("CONFIG", "SET", "requirepass", PASSWORD);
    template = new Redis(redis.url, { password: PASSWORD, lazyConnect: true });
    for (let i = 0; i < 2; i++) {
      const adapter = redisAdapter(template);
      const io = createServer({ adapter, pingInterval: 5000, pingTimeout: 5000 });
      io.on("connection", (socket) => {
        // An app that trusts the client's room name: the worst case for channel derivation.
        socket.on("join", (room: string, ack: () => void) => {
          socket.join(room);
          ack();
        });
      });
      ports.push((await io.listen(0, "127.0.0.1")).port);
      servers.push(io);
      adapters.push(adapter);
    }
  }, 30_000);

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    for (const io of servers) await io.close();
    template?.disconnect();
    await redis?.stop();
  });

  async function member(node: number, room: string): Promise<{ socket: ClientSocket; events: unknown[][] }> {
    const socket = connect(`http://127.0.0.1:${ports[node]}`, { transports: ["websocket"], parser: msgpackParser, reconnection: false, forceNew: true });
    clients.push(socket);
    const events: unknown[][] = [];
    socket.onAny((...args: unknown[]) => events.push(args));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    await socket.timeout(3000).emitWithAck("join", room);
    return { socket, events };
  }

  it("Redis refuses clients without the password (the test config requires one)", () => {
    // redis-cli prints the server's error and exits 0.
    expect(redis.cli("PUBSUB", "CHANNELS")).toMatch(/NOAUTH/);
    expect(redis.cli("SUBSCRIBE", "cometa#/#")).toMatch(/NOAUTH/);
    expect(cli("PING")).toBe("PONG");
  });

  it("tricky room names: no pattern subscription, every channel under the prefix and escaped, broadcasts reach only the literal room", async () => {
    const literal = await Promise.all(TRICKY.map(([room]) => member(1, room)));
    const lookAlike = await Promise.all(TRICKY.map(([, room]) => member(1, room)));
    await Promise.all(adapters.map((adapter) => adapter.backplane.subscribed()));

    expect(cli("PUBSUB", "NUMPAT")).toBe("0");
    const subscribed = cli("PUBSUB", "CHANNELS").split("\n").filter((line) => line !== "");
    for (const channel of subscribed) {
      expect(channel.startsWith("cometa#"), channel).toBe(true);
      expect(channel, "no unescaped glob, hash-tag or space").not.toMatch(/[*?[\]{} ]/);
      expect(channel.split("#").length, channel).toBeLessThanOrEqual(4);
    }
    for (const [room] of TRICKY) expect(subscribed).toContain(channels.room("/", room));

    // Node 0 has no member: each broadcast crosses Redis to node 1.
    for (const [room] of TRICKY) servers[0]!.to(room).emit("hit", room);
    // Barrier: one more broadcast to each look-alike; when it arrived, any earlier leak would have too.
    for (const [, room] of TRICKY) servers[0]!.to(room).emit("barrier");
    await expect.poll(() => lookAlike.every((m) => m.events.some((e) => e[0] === "barrier")), { timeout: 5000 }).toBe(true);
    await expect.poll(() => literal.every((m) => m.events.some((e) => e[0] === "hit")), { timeout: 5000 }).toBe(true);
    for (const [i, [room]] of TRICKY.entries()) {
      expect(literal[i]!.events.filter((e) => e[0] === "hit"), room).toEqual([["hit", room]]);
    }
    // A look-alike member got a "hit" only where its own name is also a tricky literal ("*" for "%2A"), and only that one.
    for (const [i, [, room]] of TRICKY.entries()) {
      for (const hit of lookAlike[i]!.events.filter((e) => e[0] === "hit")) expect(hit, room).toEqual(["hit", room]);
    }
  });

  it("room names cannot make the server publish outside its prefix", async () => {
    const spy = new Redis(redis.url, { password: PASSWORD });
    const heard: string[] = [];
    // A subscriber to everything (a debugging human): every publish must land on a prefixed channel.
    await spy.psubscribe("*");
    spy.on("pmessage", (_pattern: string, channel: string) => heard.push(channel));
    try {
      for (const [room] of TRICKY) servers[0]!.to(room).emit("probe");
      servers[0]!.to("__keyevent@0__:expired").emit("probe");
      await expect.poll(() => heard.length, { timeout: 5000 }).toBeGreaterThanOrEqual(TRICKY.length);
      for (const channel of heard) expect(channel.startsWith("cometa#"), channel).toBe(true);
    } finally {
      spy.disconnect();
    }
  });
});
