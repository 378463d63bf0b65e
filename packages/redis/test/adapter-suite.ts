/**
 * The adapter conformance suite: three servers, two clients each, and every
 * server-side operator and cluster-wide operation, written once and run per
 * implementation (memory bus, Redis, sharded Redis Cluster).
 *
 * Negative checks ("did not receive") use a barrier: a second message sent
 * the same way (same route, hence same Redis channel and order) that must
 * arrive; anything wrongly delivered would have arrived before it.
 */
import { missingNodes } from "@cometa/server/cluster";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import {
  type AdapterImplementation,
  names,
  nextEvent,
  received,
  TestCluster,
  type TestNode,
} from "./cluster-fixture.js";

export function adapterSuite(impl: AdapterImplementation): void {
  let cluster: TestCluster;
  let a: TestNode;
  let b: TestNode;
  let c: TestNode;

  beforeAll(() => impl.setup());
  afterAll(() => impl.teardown());
  beforeEach(async () => {
    cluster = new TestCluster(impl);
    [a, b, c] = (await cluster.start(3, 2)) as [TestNode, TestNode, TestNode];
  });
  afterEach(() => cluster.close());

  const all = () => [a, b, c].flatMap((node) => node.clients);

  it("every node counts three servers", async () => {
    for (const node of [a, b, c]) await expect(node.io.of("/").adapter.serverCount()).resolves.toBe(3);
  });

  it("a broadcast to everyone reaches each of the six clients once", async () => {
    a.io.emit("hello", 1, { x: "y" }, Buffer.from([1, 2, 3]));
    a.io.emit("barrier");
    for (const client of all()) {
      await received(client, "barrier");
      expect(names(client)).toEqual(["hello", "barrier"]);
      expect(client.events[0]!.slice(1, 3)).toEqual([1, { x: "y" }]);
      expect(new Uint8Array(client.events[0]![3] as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
    }
  });

  it("to(room) reaches the members on every node; a socket in two targeted rooms gets it once", async () => {
    b.clients[0]!.server.join(["red", "blue"]);
    c.clients[1]!.server.join("blue");
    a.clients[0]!.server.join("red");
    await cluster.sync();
    a.io.to("red").to("blue").emit("rooms");
    a.io.to("red").to("blue").emit("barrier");
    for (const client of [b.clients[0]!, c.clients[1]!, a.clients[0]!]) {
      await received(client, "barrier");
      expect(names(client)).toEqual(["rooms", "barrier"]);
    }
    a.io.emit("end"); // the others got nothing before this everyone-broadcast
    for (const client of [a.clients[1]!, b.clients[1]!, c.clients[0]!]) {
      await received(client, "end");
      expect(names(client)).toEqual(["end"]);
    }
  });

  it("except(room) leaves out members on every node", async () => {
    b.clients[0]!.server.join("muted");
    c.clients[0]!.server.join("muted");
    await cluster.sync();
    a.io.except("muted").emit("news");
    a.io.emit("barrier");
    for (const client of all()) await received(client, "barrier");
    expect(all().map(names)).toEqual([
      ["news", "barrier"],
      ["news", "barrier"],
      ["barrier"],
      ["news", "barrier"],
      ["barrier"],
      ["news", "barrier"],
    ]);
  });

  it("to(room).except(room) combine across nodes", async () => {
    for (const client of all()) client.server.join("all");
    b.clients[1]!.server.join("vip");
    c.clients[0]!.server.join("vip");
    await cluster.sync();
    a.io.to("all").except("vip").emit("plain");
    a.io.to("all").emit("barrier");
    for (const client of all()) await received(client, "barrier");
    expect(all().map((client) => names(client).includes("plain"))).toEqual([true, true, true, false, false, true]);
  });

  it("socket.broadcast reaches everyone but the sender, on every node", async () => {
    const sender = b.clients[0]!;
    sender.server.broadcast.emit("from-b");
    sender.server.emit("barrier-self");
    b.io.emit("barrier");
    for (const client of all()) await received(client, "barrier");
    for (const client of all()) {
      expect(names(client).includes("from-b")).toBe(client !== sender);
    }
  });

  it("local stays on the emitting node", async () => {
    a.io.local.emit("local-only");
    a.io.emit("barrier");
    for (const client of all()) await received(client, "barrier");
    expect(all().map((client) => names(client)[0])).toEqual([
      "local-only",
      "local-only",
      "barrier",
      "barrier",
      "barrier",
      "barrier",
    ]);
  });

  it("volatile and compress broadcasts are delivered to connected clients on every node", async () => {
    a.io.volatile.emit("v");
    a.io.compress(false).emit("c");
    a.io.emit("barrier");
    for (const client of all()) {
      await received(client, "barrier");
      expect(names(client)).toEqual(["v", "c", "barrier"]);
    }
  });

  it("timeout + emitWithAck collects one reply per client across nodes", async () => {
    for (const [i, client] of all().entries()) client.socket.on("q", (ack: (n: number) => void) => ack(i));
    const replies = await a.io.timeout(3000).emitWithAck("q");
    expect([...(replies as number[])].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const roomReplies = await (async () => {
      c.clients[0]!.server.join("ask");
      b.clients[1]!.server.join("ask");
      await cluster.sync();
      return a.io.to("ask").timeout(3000).emitWithAck("q");
    })();
    expect([...(roomReplies as number[])].sort()).toEqual([3, 4]);
    expect(a.adapter.pendingRequests).toBe(0);
  });

  it("a remote client that never answers ends the ack broadcast with the replies so far", async () => {
    for (const [i, client] of all().entries()) if (i !== 4) client.socket.on("q", (ack: (n: number) => void) => ack(i));
    const err = await a.io
      .timeout(800)
      .emitWithAck("q")
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "ACK_TIMEOUT" });
    expect([...((err as { responses: number[] }).responses ?? [])].sort()).toEqual([0, 1, 2, 3, 5]);
  });

  it("fetchSockets returns every socket, remote ones with data, rooms and working proxies", async () => {
    b.clients[0]!.server.data = { user: "bob" };
    b.clients[0]!.server.join("team");
    const found = await a.io.fetchSockets();
    expect(found.map((s) => s.id).sort()).toEqual(all().map((client) => client.server.id).sort());
    const bob = found.find((s) => s.id === b.clients[0]!.server.id)!;
    expect(bob.data).toEqual({ user: "bob" });
    expect([...bob.rooms].sort()).toEqual([bob.id, "team"].sort());
    expect(bob.handshake.address).toBeTypeOf("string");
    await cluster.sync();
    const inTeam = await c.io.in("team").fetchSockets();
    expect(inTeam.map((s) => s.id)).toEqual([bob.id]);
    bob.emit("direct", 42);
    expect(await nextEvent(b.clients[0]!, "direct")).toEqual([42]);
    bob.join("moved");
    bob.leave("team");
    await expect.poll(() => [...b.clients[0]!.server.rooms].sort()).toEqual([bob.id, "moved"].sort());
    const gone = nextEvent(b.clients[0]!, "disconnect");
    bob.disconnect();
    await gone;
  });

  it("socketsJoin, socketsLeave and disconnectSockets act on matching sockets of every node", async () => {
    c.clients[0]!.server.join("x");
    a.io.in("x").socketsJoin("y");
    await expect.poll(() => c.clients[0]!.server.rooms.has("y")).toBe(true);
    a.io.socketsJoin("everyone");
    await expect.poll(() => all().every((client) => client.server.rooms.has("everyone"))).toBe(true);
    b.io.except("x").socketsLeave("everyone");
    await expect.poll(() => all().filter((client) => client.server.rooms.has("everyone")).length).toBe(1);
    expect(c.clients[0]!.server.rooms.has("everyone")).toBe(true);
    const gone = nextEvent(c.clients[0]!, "disconnect");
    a.io.in("y").disconnectSockets();
    await gone;
    expect(all().filter((client) => client.socket.connected)).toHaveLength(5);
  });

  it("serverSideEmit reaches the other nodes; with an ack it collects one reply per node", async () => {
    const heard: string[] = [];
    for (const [name, node] of [
      ["a", a],
      ["b", b],
      ["c", c],
    ] as const) {
      node.io.on("whoami", (from: string, ack?: (n: string) => void) => {
        heard.push(`${name}<-${from}`);
        ack?.(name);
      });
    }
    const replies = await a.io.serverSideEmitWithAck("whoami", "a");
    expect([...(replies as string[])].sort()).toEqual(["b", "c"]);
    expect(heard.sort()).toEqual(["b<-a", "c<-a"]);
  });

  it("a slow node yields a partial serverSideEmit answer that says so", async () => {
    a.io.on("slow", () => {});
    b.io.on("slow", (ack: (n: string) => void) => ack("b"));
    c.io.on("slow", () => {}); // never answers
    const result = await new Promise<{ err: Error | null; responses: unknown[] }>((resolve) => {
      a.io.serverSideEmit("slow", (err: Error | null, responses: unknown[]) => resolve({ err, responses }));
    });
    expect(result.err).toBeNull(); // a partial answer, not a failed call
    expect(result.responses).toEqual(["b"]);
    expect(missingNodes(result.responses)).toEqual([c.adapter.uid]);
  });

  it("a closed node leaves the count and the answers at once", async () => {
    const cIds = c.clients.map((client) => client.server.id);
    const down = new Promise((resolve) => a.adapter.on("node-down", resolve));
    await cluster.closeNode(c);
    expect(await down).toBe(c.adapter.uid);
    await expect(a.io.of("/").adapter.serverCount()).resolves.toBe(2);
    const ids = (await a.io.fetchSockets()).map((s) => s.id);
    expect(ids).toHaveLength(4);
    for (const id of cIds) expect(ids).not.toContain(id);
  });

  it("other namespaces are clustered separately", async () => {
    const chat = await b.connect("/chat");
    await a.connect("/chat");
    await cluster.sync();
    await expect.poll(() => a.io.of("/chat").adapter.serverCount()).toBe(2);
    a.io.of("/chat").emit("in-chat");
    a.io.emit("barrier");
    await received(chat, "in-chat");
    await received(b.clients[0]!, "barrier");
    expect(names(b.clients[0]!)).toEqual(["barrier"]);
  });
}
