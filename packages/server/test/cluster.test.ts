import { PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { Backplane } from "../src/cluster/backplane.js";
import { type ClusterAdapter, createClusterAdapter } from "../src/cluster/cluster-adapter.js";
import { createMemoryBackplane } from "../src/cluster/memory-backplane.js";
import type { Socket } from "../src/socket.js";
import { connectClients, errors, type TestClient, type TestServer } from "./harness.js";

/** Let queued backplane deliveries (microtasks) and their replies run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

interface Node {
  readonly server: TestServer;
  readonly sockets: Socket[];
  readonly clients: TestClient[];
}

let nodes: Node[] = [];

afterEach(async () => {
  for (const node of nodes) await node.server.io.close();
  nodes = [];
  errors.length = 0;
});

/** `count` servers on one backplane, each with `clientsPerNode` connected clients. */
async function cluster(count: number, clientsPerNode: number, backplane: Backplane = createMemoryBackplane()) {
  for (let n = 0; n < count; n++) {
    nodes.push(await connectClients(clientsPerNode, { adapter: createClusterAdapter(backplane, { requestsTimeout: 1000 }) }));
  }
  await settle();
  return nodes;
}

function eventNames(client: TestClient): unknown[] {
  return client.events().map((d) => d[0]);
}

describe("cluster adapter over the in-memory backplane", () => {
  it("nodes discover each other: serverCount counts every node", async () => {
    const [a, b, c] = await cluster(3, 0);
    for (const node of [a!, b!, c!]) await expect(node.server.io.sockets.adapter.serverCount()).resolves.toBe(3);
  });

  // The memory backplane also delivers a node's own messages back to it: receiving each event
  // exactly once on the sending node checks echo suppression.
  it("broadcasts reach every node once, with rooms and except applied remotely", async () => {
    const [a, b] = await cluster(2, 2);
    b!.sockets[0]!.join("r");
    a!.sockets[1]!.join("r");
    b!.sockets[1]!.join("muted");
    a!.server.io.emit("all");
    a!.server.io.to("r").emit("room");
    a!.server.io.except("muted").emit("not-muted");
    a!.server.io.local.emit("local-only");
    await settle();
    expect(a!.clients.map(eventNames)).toEqual([
      ["all", "not-muted", "local-only"],
      ["all", "room", "not-muted", "local-only"],
    ]);
    expect(b!.clients.map(eventNames)).toEqual([["all", "room", "not-muted"], ["all"]]);
  });

  it("socketsJoin, socketsLeave and disconnectSockets act on every node", async () => {
    const [a, b] = await cluster(2, 1);
    a!.server.io.socketsJoin("everyone");
    await settle();
    expect(b!.sockets[0]!.rooms.has("everyone")).toBe(true);
    a!.server.io.in("everyone").socketsLeave("everyone");
    await settle();
    expect(b!.sockets[0]!.rooms.has("everyone")).toBe(false);
    a!.server.io.disconnectSockets();
    await settle();
    expect(b!.sockets[0]!.connected).toBe(false);
    expect(b!.clients[0]!.packets.at(-1)).toEqual({ type: PacketType.DISCONNECT, nsp: "/" });
  });

  it("fetchSockets returns remote sockets as proxies that can be emitted to and moved", async () => {
    const [a, b] = await cluster(2, 1);
    b!.sockets[0]!.data = { user: "bob" };
    b!.sockets[0]!.join("team");
    const found = await a!.server.io.fetchSockets();
    expect(found.map((s) => s.id).sort()).toEqual([a!.sockets[0]!.id, b!.sockets[0]!.id].sort());
    const remote = found.find((s) => s.id === b!.sockets[0]!.id)!;
    expect(remote.data).toEqual({ user: "bob" });
    expect([...remote.rooms]).toEqual([remote.id, "team"]);
    expect(remote.handshake.address).toBe("127.0.0.1");
    remote.emit("hello-remote", 1);
    remote.join("vip");
    await settle();
    expect(b!.clients[0]!.events()).toEqual([["hello-remote", 1]]);
    expect(b!.sockets[0]!.rooms.has("vip")).toBe(true);
    remote.disconnect();
    await settle();
    expect(b!.sockets[0]!.connected).toBe(false);
  });

  it("broadcast acks collect one reply per client across nodes", async () => {
    const [a, b] = await cluster(2, 1);
    const answers = a!.server.io.timeout(1000).emitWithAck("poll");
    await settle();
    for (const node of [a!, b!]) {
      const packet = await node.clients[0]!.nextEvent();
      node.clients[0]!.ack("/", packet.id!, [node === a ? "from-a" : "from-b"]);
    }
    await settle();
    await expect(answers).resolves.toEqual(expect.arrayContaining(["from-a", "from-b"]));
  });

  it("a remote client that never answers makes the broadcast time out with the replies so far", async () => {
    const [a, b] = await cluster(2, 1);
    const result = a!.server.io.timeout(500).emitWithAck("poll");
    await settle();
    const packet = await a!.clients[0]!.nextEvent();
    a!.clients[0]!.ack("/", packet.id!, ["mine"]);
    await b!.clients[0]!.nextEvent(); // b receives it and stays silent
    await settle();
    a!.server.clock.advance(500);
    await expect(result).rejects.toMatchObject({ code: "ACK_TIMEOUT", responses: ["mine"] });
  });

  it("serverSideEmit reaches the other nodes only; with an ack it collects one reply per node", async () => {
    const [a, b, c] = await cluster(3, 0);
    const heard: string[] = [];
    for (const [name, node] of [["a", a!], ["b", b!], ["c", c!]] as const) {
      node.server.io.on("whoami", (from: string, ack?: (n: string) => void) => {
        heard.push(`${name}<-${from}`);
        ack?.(name);
      });
    }
    a!.server.io.serverSideEmit("whoami", "a");
    await settle();
    expect(heard.sort()).toEqual(["b<-a", "c<-a"]);
    const replies = a!.server.io.serverSideEmitWithAck("whoami", "a");
    await settle();
    await expect(replies).resolves.toEqual(expect.arrayContaining(["b", "c"]));
  });

  it("a closed node leaves the count at once; a silent one after the heartbeat timeout", async () => {
    const inner = createMemoryBackplane();
    const muted = new Set<string>();
    // A backplane that can cut a node off (a partition): its messages are lost.
    const backplane: Backplane = {
      publish: (message, target) => (muted.has(message.uid) ? undefined : inner.publish(message, target)),
      subscribe: (nsp, uid, handler) => inner.subscribe(nsp, uid, handler),
    };
    const [a, b, c] = await cluster(3, 0, backplane);
    await b!.server.io.close();
    await settle();
    await expect(a!.server.io.sockets.adapter.serverCount()).resolves.toBe(2);

    muted.add((c!.server.io.sockets.adapter as ClusterAdapter).uid);
    a!.server.clock.advance(9_000);
    await settle();
    await expect(a!.server.io.sockets.adapter.serverCount()).resolves.toBe(2); // not yet: seen 9 s ago
    a!.server.clock.advance(1_000); // two heartbeat intervals of silence
    await settle();
    await expect(a!.server.io.sockets.adapter.serverCount()).resolves.toBe(1);
  });
});
