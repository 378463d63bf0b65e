import { connect, type Socket } from "@cometa/client";
import { afterEach, beforeEach, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "./process-cluster.js";
import { describeRedis, useRedis } from "./redis-harness.js";
import { TcpProxy } from "./tcp-proxy.js";

/**
 * Failover after `kill -9` (issue 8): three instances in child processes on
 * one Redis, recovery state in Redis. A seq-stamped stream runs to room
 * "feed" from instance C; the instance holding the client's session (A) is
 * killed with SIGKILL, so it never gets to save anything on the way out. The
 * session survives because instances save the sessions of connected sockets
 * (at connect, after joins and leaves, and periodically): Cometa's client
 * comes back on B with the same id, its rooms, and every event of the stream
 * exactly once and in order.
 */

const WINDOW = 5000;

describeRedis("failover after kill -9, three instance processes on Redis", () => {
  const redis = useRedis();
  let servers: ServerProcess[] = [];
  let proxy: TcpProxy;
  let sockets: Socket[] = [];

  beforeEach(async () => {
    servers = await Promise.all(
      ["a", "b", "c"].map((name) => startServerProcess(name, redis().url, 300, { fixture: "recovery-node.ts", env: { WINDOW: String(WINDOW) } })),
    );
    proxy = await new TcpProxy(servers[0]!.port).listen();
  }, 30_000);
  afterEach(async () => {
    for (const socket of sockets) socket.io.close();
    sockets = [];
    await proxy.close();
    await Promise.all(servers.map((server) => server.stop()));
    servers = [];
  });

  const once = (socket: Socket, event: string) =>
    new Promise<unknown[]>((resolve) => (socket.once as (e: string, l: (...a: unknown[]) => void) => void)(event, (...args) => resolve(args)));

  it("the client resumes on another instance: recovered, same id, rooms kept, lost 0 / duplicated 0 / reordered 0", async () => {
    const socket = connect(`http://127.0.0.1:${proxy.port}`, {
      transports: ["polling"], // Node 20 has no global WebSocket, and this package does not depend on `ws`
      auth: { rooms: ["feed"] },
      reconnectionDelay: 100,
      reconnectionDelayMax: 100,
      randomizationFactor: 0,
    });
    sockets.push(socket);
    const got: number[] = [];
    (socket.on as (e: string, l: (n: number) => void) => void)("seq", (n) => got.push(n));
    await once(socket, "connect");
    const id = socket.id;
    const [c, b, a] = [servers[2]!, servers[1]!, servers[0]!];
    await c.call("stream", { room: "feed", every: 5 });
    await expect.poll(() => got.length, { timeout: 5000 }).toBeGreaterThan(20);
    proxy.retarget(b.port); // the balancer's next pick
    const reconnected = once(socket, "connect");
    await a.kill();
    await reconnected;
    expect(socket.recovered).toBe(true);
    expect(socket.id).toBe(id);
    const onB = await b.call<{ id: string; rooms: string[]; recovered: boolean; data: unknown }[]>("sockets");
    expect(onB).toEqual([{ id, rooms: expect.arrayContaining([id, "feed"]), recovered: true, data: { node: "a" } }]);
    await expect.poll(() => got.length, { timeout: 5000 }).toBeGreaterThan(got.length + 20); // the stream flows again
    const last = await c.call<number>("stopStream");
    const sentinel = once(socket, "sentinel");
    await c.call("emit", { room: "feed", event: "sentinel" });
    await sentinel;
    expect(got.length).toBe(last);
    expect(got).toEqual(Array.from({ length: last }, (_, i) => i + 1)); // lost 0, duplicated 0, reordered 0
    expect(await b.call("errors")).toEqual([]);
  }, 30_000);
});
