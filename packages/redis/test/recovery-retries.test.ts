import { type ConnectOptions, connect, type Socket } from "@cometa/client";
import { createServer } from "@cometa/server";
import { Redis } from "ioredis";
import { afterEach, beforeEach, expect, it } from "vitest";
import { redisAdapter } from "../src/redis-adapter.js";
import { type RedisRecoveryStores, redisRecoveryStores } from "../src/recovery/redis-recovery-stores.js";
import { describeRedis, useRedis } from "./redis-harness.js";
import { TcpProxy } from "./tcp-proxy.js";

/**
 * Exactly-once effect of retried emits across instances: Cometa's client
 * with `retries` puts one message id on every transmission, and the
 * de-duplication window lives in Redis, so a retransmission that lands on
 * another instance replays the first answer instead of running the handler
 * again.
 */

// biome-ignore lint/suspicious/noExplicitAny: tests script the untyped server
type AnyServer = any;

describeRedis("retried emits across two instances on Redis", () => {
  const redis = useRedis();
  let clients: Redis[] = [];
  let servers: { io: AnyServer; port: number; stores: RedisRecoveryStores }[] = [];
  let sockets: Socket[] = [];
  let proxy: TcpProxy;
  let calls = 0;

  beforeEach(async () => {
    calls = 0;
    for (let i = 0; i < 2; i++) {
      const client = new Redis(redis().url);
      clients.push(client);
      const stores = redisRecoveryStores(client, { maxDisconnectionDuration: 5000 });
      const io = createServer({ adapter: redisAdapter(client), connectionStateRecovery: { maxDisconnectionDuration: 5000, stores } });
      const { port } = await io.listen(0, "127.0.0.1");
      servers.push({ io, port, stores });
    }
    proxy = await new TcpProxy(servers[0]!.port).listen();
  });
  afterEach(async () => {
    for (const socket of sockets) socket.io.close();
    sockets = [];
    await proxy.close();
    for (const server of servers) {
      await server.io.close();
      await server.stores.close();
    }
    servers = [];
    for (const client of clients) client.disconnect();
    clients = [];
  });

  function client(options: ConnectOptions<"msgpack">): Socket {
    const socket = connect(`http://127.0.0.1:${proxy.port}`, { reconnectionDelay: 50, reconnectionDelayMax: 50, randomizationFactor: 0, ...options });
    sockets.push(socket);
    return socket;
  }

  it("an ack lost with the connection: the retry lands on the other instance, which replays the answer", async () => {
    for (const { io } of servers) {
      io.on("connection", (socket: AnyServer) => {
        socket.on("pay", (amount: number, ack: (reply: unknown) => void) => {
          calls++;
          proxy.retarget(servers[1]!.port); // the balancer sends the next connection elsewhere
          proxy.cut(); // and this one dies before the answer leaves
          ack({ paid: amount, by: io === servers[0]!.io ? "A" : "B" });
        });
      });
    }
    const socket = client({ retries: 3, ackTimeout: 3000 });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const reply = await socket.emitWithAck("pay", 42);
    expect(reply).toEqual({ paid: 42, by: "A" });
    expect(calls).toBe(1);
  });

  it("a slow handler: retransmissions while it runs are dropped, the answer is delivered once", async () => {
    servers[0]!.io.on("connection", (socket: AnyServer) => {
      socket.on("order", (item: string, ack: (reply: unknown) => void) => {
        calls++;
        setTimeout(() => ack({ stored: item }), 300);
      });
    });
    const socket = client({ retries: 5, ackTimeout: 100 });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    expect(await socket.emitWithAck("order", "tea")).toEqual({ stored: "tea" });
    expect(await socket.emitWithAck("order", "milk")).toEqual({ stored: "milk" });
    expect(calls).toBe(2);
  });
});
