/**
 * Several Cometa servers in this process, each with real clients (the
 * official socket.io-client with the msgpack parser over WebSocket), joined
 * by a cluster adapter. Implementations (in-memory bus, Redis) plug in
 * through {@link AdapterImplementation}, so one suite runs against each.
 */
import { createServer, type Server, type Socket } from "@cometa/server";
import type { AdapterFactory, ClusterAdapter } from "@cometa/server/cluster";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import * as msgpackParser from "socket.io-msgpack-parser";

/** Short heartbeats so node discovery and death detection fit in a test. */
export const TEST_TIMING = { heartbeatInterval: 200, heartbeatTimeout: 500, requestsTimeout: 1500 } as const;

/** One way to connect servers (memory bus, Redis, sharded Redis). */
export interface AdapterImplementation {
  readonly name: string;
  /** Start shared resources (a Redis). */
  setup(): Promise<void>;
  /** The `adapter` option of one more server. */
  adapter(): AdapterFactory;
  /**
   * Wait until every subscription change made so far is in effect, so a
   * broadcast sent next reaches every room member.
   */
  sync(): Promise<void>;
  teardown(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: tests use the untyped server
export type AnyServer = Server<any, any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: tests use the untyped socket
export type AnySocket = Socket<any, any, any, any>;

/** A recording client. */
export interface TestClient {
  readonly socket: ClientSocket;
  /** Every event received, as `[event, ...args]`. */
  readonly events: unknown[][];
  /** The server-side socket of this client. */
  readonly server: AnySocket;
}

/** One server of the cluster. */
export interface TestNode {
  readonly io: AnyServer;
  readonly port: number;
  readonly clients: TestClient[];
  readonly adapter: ClusterAdapter;
  /** Connect one more client (to namespace `nsp`). */
  connect(nsp?: string): Promise<TestClient>;
}

/** Servers and clients to dispose of. */
export class TestCluster {
  readonly nodes: TestNode[] = [];
  /** What the servers reported through `onError` (backplane outages, listener errors). */
  readonly errors: unknown[] = [];

  constructor(private readonly impl: AdapterImplementation) {}

  /** Start a server with `clients` connected clients. */
  async addNode(clients = 0): Promise<TestNode> {
    const io: AnyServer = createServer({
      adapter: this.impl.adapter(),
      pingInterval: 5000,
      onError: (error) => this.errors.push(error),
    });
    const pending: ((socket: AnySocket) => void)[] = [];
    io.on("connection", (socket) => pending.shift()?.(socket));
    const { port } = await io.listen(0);
    const node: TestNode = {
      io,
      port,
      clients: [],
      adapter: io.of("/").adapter as unknown as ClusterAdapter,
      connect: async (nsp = "/") => {
        if (nsp !== "/") io.of(nsp).on("connection", (socket: AnySocket) => pending.shift()?.(socket));
        const serverSide = new Promise<AnySocket>((resolve) => pending.push(resolve));
        const socket = connect(`http://127.0.0.1:${port}${nsp}`, {
          parser: msgpackParser,
          transports: ["websocket"],
          forceNew: true,
          reconnection: false,
        });
        const events: unknown[][] = [];
        socket.onAny((...args: unknown[]) => events.push(args));
        await new Promise<void>((resolve, reject) => {
          socket.once("connect", () => resolve());
          socket.once("connect_error", reject);
        });
        const client = { socket, events, server: await serverSide };
        node.clients.push(client);
        return client;
      },
    };
    for (let i = 0; i < clients; i++) await node.connect();
    this.nodes.push(node);
    return node;
  }

  /** Start `count` nodes with `clients` clients each and wait until they all know each other. */
  async start(count: number, clients: number): Promise<TestNode[]> {
    for (let i = 0; i < count; i++) await this.addNode(clients);
    await this.awaitMesh();
    return this.nodes;
  }

  /** Resolve once every node sees every other one. */
  async awaitMesh(): Promise<void> {
    const others = this.nodes.length - 1;
    await Promise.all(
      this.nodes.map(
        (node) =>
          new Promise<void>((resolve) => {
            const check = () => {
              if (node.adapter.remoteNodes().length >= others) resolve();
            };
            node.adapter.on("node-up", check);
            check();
          }),
      ),
    );
  }

  /** Subscriptions in effect everywhere. */
  sync(): Promise<void> {
    return this.impl.sync();
  }

  /** Close one node (its clients see the disconnect). */
  async closeNode(node: TestNode): Promise<void> {
    for (const client of node.clients) client.socket.close();
    await node.io.close();
    this.nodes.splice(this.nodes.indexOf(node), 1);
  }

  async close(): Promise<void> {
    for (const node of [...this.nodes]) await this.closeNode(node);
  }
}

/** Resolve with the args of the next `event` on `socket` (after those already recorded). */
export function nextEvent(client: TestClient, event: string, timeoutMs = 5000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${timeoutMs} ms`)), timeoutMs);
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      client.socket.off(event, listener);
      resolve(args);
    };
    client.socket.on(event, listener);
  });
}

/** Resolve once `client` has recorded `event` (at once if it already has). */
export async function received(client: TestClient, event: string, timeoutMs = 5000): Promise<unknown[]> {
  const seen = client.events.find((e) => e[0] === event);
  if (seen !== undefined) return seen.slice(1);
  return nextEvent(client, event, timeoutMs);
}

/** Names of the events `client` received, in order. */
export function names(client: TestClient): unknown[] {
  return client.events.map((e) => e[0]);
}
