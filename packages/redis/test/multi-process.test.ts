/**
 * Three Cometa servers in separate processes on one Redis, official
 * socket.io-client (msgpack parser) clients spread across them, a worker-side
 * emitter in this process, and one server killed with SIGKILL at the end.
 */
import { Redis } from "ioredis";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import * as msgpackParser from "socket.io-msgpack-parser";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createEmitter, type RedisEmitter } from "../src/index.js";
import { startServerProcess, type ServerProcess } from "./process-cluster.js";
import { describeRedis, type RedisProcess, startRedis } from "./redis-harness.js";
import { waitUntil } from "./wait-until.js";

const HEARTBEAT = 300;

interface Client {
  readonly name: string;
  readonly socket: ClientSocket;
  readonly events: unknown[][];
}

describeRedis("three server processes on one Redis", () => {
  let redis: RedisProcess;
  let servers: ServerProcess[] = [];
  let clients: Client[] = [];
  let emitterClient: Redis;
  let emitter: RedisEmitter;

  const client = (name: string) => clients.find((c) => c.name === name)!;
  const got = (name: string, event: string) => client(name).events.filter((e) => e[0] === event);
  /** Wait until each named client has `event`, then check nobody else got it (a barrier follows by the same route). */
  const expectExactly = async (event: string, barrier: string, names: string[]) => {
    for (const c of clients) {
      if (c.socket.connected) await expect.poll(() => got(c.name, barrier).length, { timeout: 5000 }).toBe(1);
    }
    expect(clients.filter((c) => got(c.name, event).length > 0).map((c) => c.name)).toEqual(names);
    for (const name of names) expect(got(name, event)).toHaveLength(1);
  };

  beforeAll(async () => {
    redis = await startRedis();
    servers = await Promise.all(["a", "b", "c"].map((name) => startServerProcess(name, redis.url, HEARTBEAT)));
    for (const server of servers) {
      await waitUntil(async () => (await server.call("serverCount")) === 3, 10_000, `${server.name} sees 3 servers`);
    }
    const layout: [string, number, string[]][] = [
      ["a0", 0, ["red"]],
      ["a1", 0, ["blue"]],
      ["b0", 1, ["red", "blue"]],
      ["b1", 1, []],
      ["c0", 2, ["red"]],
      ["c1", 2, ["vip", "red"]],
    ];
    clients = await Promise.all(
      layout.map(async ([name, index, rooms]) => {
        const socket = connect(`http://127.0.0.1:${servers[index]!.port}`, {
          parser: msgpackParser,
          transports: ["websocket"],
          auth: { rooms },
          reconnection: false,
        });
        const events: unknown[][] = [];
        socket.onAny((...args: unknown[]) => events.push(args));
        socket.on("ask", (ack: (answer: string) => void) => ack(name));
        await new Promise<void>((resolve, reject) => {
          socket.once("connect", () => resolve());
          socket.once("connect_error", reject);
        });
        return { name, socket, events };
      }),
    );
    emitterClient = new Redis(redis.url);
    emitter = createEmitter(emitterClient);
    // Room subscriptions are asynchronous: wait until every node holds the channels of its rooms.
    await waitUntil(() => Number(redis.cli("PUBSUB", "NUMSUB", "cometa#/#r#red").split("\n")[1]) === 3);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.socket.close();
    emitterClient?.disconnect();
    await Promise.all(servers.map((server) => server.stop()));
    await redis?.stop();
  });

  it("broadcasts with to, except, multi-room, local, volatile and compress give the same results as on one instance", async () => {
    await servers[0]!.call("emit", { event: "all" });
    await servers[0]!.call("emit", { event: "b-all" });
    await expectExactly("all", "b-all", ["a0", "a1", "b0", "b1", "c0", "c1"]);

    await servers[1]!.call("emit", { to: ["red"], event: "red" });
    await servers[1]!.call("emit", { to: ["red"], event: "b-red" });
    for (const name of ["a0", "b0", "c0", "c1"]) await expect.poll(() => got(name, "b-red").length).toBe(1);
    expect(clients.filter((c) => got(c.name, "red").length > 0).map((c) => c.name)).toEqual(["a0", "b0", "c0", "c1"]);

    await servers[2]!.call("emit", { to: ["red"], except: ["vip"], event: "red-not-vip" });
    await servers[2]!.call("emit", { to: ["red"], event: "b-rnv" });
    for (const name of ["a0", "b0", "c0", "c1"]) await expect.poll(() => got(name, "b-rnv").length).toBe(1);
    expect(clients.filter((c) => got(c.name, "red-not-vip").length > 0).map((c) => c.name)).toEqual(["a0", "b0", "c0"]);

    await servers[0]!.call("emit", { to: ["red", "blue"], event: "red-or-blue" });
    await servers[0]!.call("emit", { event: "b-rob" });
    await expectExactly("red-or-blue", "b-rob", ["a0", "a1", "b0", "c0", "c1"]); // b0 is in both: once

    await servers[2]!.call("emit", { flags: { local: true }, event: "local" });
    await servers[2]!.call("emit", { event: "b-local" });
    await expectExactly("local", "b-local", ["c0", "c1"]);

    await servers[1]!.call("emit", { flags: { volatile: true }, event: "volatile" });
    await servers[1]!.call("emit", { flags: { compress: false }, event: "compressed" });
    await servers[1]!.call("emit", { event: "b-flags" });
    await expectExactly("volatile", "b-flags", ["a0", "a1", "b0", "b1", "c0", "c1"]);
    await expectExactly("compressed", "b-flags", ["a0", "a1", "b0", "b1", "c0", "c1"]);
  });

  it("timeout + emitWithAck collects every client's reply across processes", async () => {
    const replies = await servers[1]!.call<string[]>("emitWithAck", { flags: { timeout: 3000 }, event: "ask" });
    expect([...replies].sort()).toEqual(["a0", "a1", "b0", "b1", "c0", "c1"]);
    const red = await servers[0]!.call<string[]>("emitWithAck", { to: ["red"], flags: { timeout: 3000 }, event: "ask" });
    expect([...red].sort()).toEqual(["a0", "b0", "c0", "c1"]);
  });

  it("fetchSockets, socketsJoin, socketsLeave and serverSideEmit span the processes", async () => {
    const all = await servers[2]!.call<{ id: string; data: { node: string }; rooms: string[] }[]>("fetchSockets");
    expect(all.map((s) => s.data.node).sort()).toEqual(["a", "a", "b", "b", "c", "c"]);
    const vip = await servers[0]!.call<{ id: string; data: { node: string } }[]>("fetchSockets", { to: ["vip"] });
    expect(vip.map((s) => s.data.node)).toEqual(["c"]);

    await servers[0]!.call("socketsJoin", { to: ["blue"], rooms: ["green"] });
    await expect.poll(() => Number(redis.cli("PUBSUB", "NUMSUB", "cometa#/#r#green").split("\n")[1])).toBe(2);
    await servers[2]!.call("emit", { to: ["green"], event: "green" });
    await servers[2]!.call("emit", { event: "b-green" });
    await expectExactly("green", "b-green", ["a1", "b0"]);

    await servers[1]!.call("socketsLeave", { rooms: ["green"] });
    await expect.poll(() => Number(redis.cli("PUBSUB", "NUMSUB", "cometa#/#r#green").split("\n")[1])).toBe(0);

    const answers = await servers[1]!.call<string[]>("serverSideEmitWithAck", { event: "whoami", args: ["b"] });
    expect([...answers].sort()).toEqual(["a<-b", "c<-b"]);
  });

  it("a worker's emitter publishes to rooms and namespaces, with except and socketsJoin", async () => {
    emitter.to("red").emit("from-worker", { job: 1 });
    emitter.to("red").emit("b-worker");
    await emitter.flush();
    for (const name of ["a0", "b0", "c0", "c1"]) await expect.poll(() => got(name, "b-worker").length).toBe(1);
    expect(clients.filter((c) => got(c.name, "from-worker").length > 0).map((c) => c.name)).toEqual(["a0", "b0", "c0", "c1"]);
    expect(got("c1", "from-worker")[0]).toEqual(["from-worker", { job: 1 }]);

    emitter.except("red").emit("not-red");
    emitter.emit("b-not-red");
    await emitter.flush();
    await expectExactly("not-red", "b-not-red", ["a1", "b1"]);

    emitter.in("vip").socketsJoin("worker-room");
    await emitter.flush();
    await expect.poll(() => Number(redis.cli("PUBSUB", "NUMSUB", "cometa#/#r#worker-room").split("\n")[1])).toBe(1);
    emitter.to("worker-room").emit("joined");
    await emitter.flush();
    await expect.poll(() => got("c1", "joined").length).toBe(1);
    expect(emitter.metrics.publishFailed).toBe(0);
    // The emitter never counts as a node: requests do not wait for it.
    await expect(servers[0]!.call("serverCount")).resolves.toBe(3);
  });

  it("disconnectSockets reaches sockets on other processes", async () => {
    const gone = new Promise((resolve) => client("a1").socket.once("disconnect", resolve));
    await servers[2]!.call("disconnectSockets", { to: ["blue"], except: ["red"] });
    await gone;
    expect(client("b0").socket.connected).toBe(true); // b0 is in red too
  });

  it("F4: a server killed with SIGKILL disappears from cluster-wide answers within two heartbeats", async () => {
    const killedAt = Date.now();
    await servers[2]!.kill();
    let goneAfter = 0;
    await expect
      .poll(
        async () => {
          const sockets = await servers[0]!.call<{ data: { node: string } }[]>("fetchSockets");
          goneAfter = Date.now() - killedAt;
          return sockets.some((s) => s.data.node === "c");
        },
        { timeout: 10_000, interval: 50 },
      )
      .toBe(false);
    const count = await servers[0]!.call("serverCount");
    console.log(`F4 server kill -9: its sockets left cluster answers after ${goneAfter} ms (heartbeat ${HEARTBEAT} ms)`);
    expect(count).toBe(2);
    // Two heartbeat intervals of silence, plus the tick that notices it and one request round trip.
    expect(goneAfter).toBeLessThanOrEqual(3 * HEARTBEAT + 500);
    // Survivors carry on.
    await servers[1]!.call("emit", { to: ["red"], event: "after-kill" });
    await expect.poll(() => got("a0", "after-kill").length).toBe(1);
  });
});
