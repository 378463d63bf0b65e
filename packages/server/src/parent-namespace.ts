import type { EventsMap, Packet } from "@cometa/protocol";
import type { BroadcastOptions, LocalSocket, Room, SocketDetails } from "./cluster/adapter.js";
import { InMemoryAdapter } from "./cluster/in-memory-adapter.js";
import { markPartial, missingNodes } from "./cluster/partial-answer.js";
import { Namespace } from "./namespace.js";
import type { Server } from "./server.js";

/**
 * Decides whether a namespace name that matches no static namespace may be
 * created (dynamic namespaces). Call `next(null, true)` to allow. It may be
 * `async`: a rejection is reported to `onError` and refuses the name.
 */
export type NamespaceMatcher = (
  name: string,
  auth: Record<string, unknown>,
  next: (err: Error | null, allow: boolean) => void,
) => void;

let nextParentId = 0;

/**
 * The parent of dynamic namespaces: `io.of(/^\/room-\d+$/)` or
 * `io.of((name, auth, next) => …)`. Children are created on their first
 * CONNECT and inherit the parent's middlewares and `connection` listeners;
 * broadcasting on the parent reaches every child.
 *
 * @example
 * ```ts
 * const workspaces = io.of(/^\/ws-\w+$/);
 * workspaces.use(authorize);
 * workspaces.on("connection", (socket) => socket.emit("hello", socket.nsp.name));
 * workspaces.emit("maintenance"); // to every /ws-* namespace
 * ```
 */
export class ParentNamespace<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> extends Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  /** The dynamic namespaces created so far. */
  readonly children = new Set<Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();

  /** @internal Created by `server.of(regexOrFunction)`. */
  constructor(server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) {
    // Its own name is internal and never connectable (it is not registered on the server).
    super(server, `/_${nextParentId++}`, (nsp) => new ParentBroadcastAdapter(nsp as ParentNamespace<EventsMap, EventsMap, EventsMap, unknown>));
  }

  /** @internal Create the child `name`, inheriting middlewares and connection listeners. */
  _createChild(name: string): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    const child = new Namespace(this.server, name, this.server.options.adapter);
    this._inheritInto(child);
    this.children.add(child);
    return child;
  }
}

/** Fans each operation out to the children's adapters (each child re-targets the packet at its own name). */
class ParentBroadcastAdapter extends InMemoryAdapter {
  constructor(private readonly parent: ParentNamespace<EventsMap, EventsMap, EventsMap, unknown>) {
    super(parent);
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    for (const child of this.parent.children) child.adapter.broadcast({ ...packet, nsp: child.name }, opts);
  }

  override broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    onClientCount: (count: number) => void,
    onAck: (response: unknown) => void,
  ): void {
    // Ack ids are per namespace: each child gets its own id.
    for (const child of this.parent.children) {
      child.adapter.broadcastWithAck({ ...packet, nsp: child.name, id: child.nextAckId() }, opts, onClientCount, onAck);
    }
  }

  /** Every child reports once per node: the collector waits for all of them. */
  override async serverCount(): Promise<number> {
    const counts = await Promise.all([...this.parent.children].map((child) => child.adapter.serverCount()));
    return counts.reduce((a, b) => a + b, 0);
  }

  override async fetchSockets(opts: BroadcastOptions): Promise<(LocalSocket | SocketDetails)[]> {
    const lists = await Promise.all([...this.parent.children].map((child) => child.adapter.fetchSockets(opts)));
    // Keep the children's partial-answer markers: a node missing from any child is missing here.
    const missing = new Set(lists.flatMap((list) => missingNodes(list)));
    const sockets = lists.flat();
    return missing.size === 0 ? sockets : markPartial(sockets, [...missing]);
  }

  override addSockets(opts: BroadcastOptions, rooms: readonly Room[]): void {
    for (const child of this.parent.children) child.adapter.addSockets(opts, rooms);
  }

  override delSockets(opts: BroadcastOptions, rooms: readonly Room[]): void {
    for (const child of this.parent.children) child.adapter.delSockets(opts, rooms);
  }

  override disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    for (const child of this.parent.children) child.adapter.disconnectSockets(opts, close);
  }
}
