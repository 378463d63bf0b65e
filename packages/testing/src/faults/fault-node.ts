import { type ChildExit, ChildServer } from "../peers/child-server.js";
import type { CommandReply, FaultNodeCommand, FaultNodeConfig, FaultNodeFact, NodeProbe } from "./fault-node-protocol.js";

type CommandBody = FaultNodeCommand extends infer C ? (C extends { id: number } ? Omit<C, "id"> : never) : never;

/** How a node process ended. */
export type NodeExit = ChildExit;

/**
 * A Cometa server in a child process (`fault-node-main.ts`, run through tsx
 * with the `source` condition): start, command over IPC, observe facts,
 * SIGTERM, `kill -9`, freeze, restart on the same port.
 *
 * @example
 * ```ts
 * const node = await FaultNode.start({ name: "a", pingInterval: 500, pingTimeout: 500 });
 * await node.call({ cmd: "stall", ms: 800 });
 * await node.kill();
 * ```
 */
export class FaultNode {
  /** Client ids (auth `clientId`) with a live socket on this node, with their socket ids. */
  readonly live = new Map<string, Set<string>>();
  /** Every fact so far, in order. */
  readonly facts: FaultNodeFact[] = [];
  #nextId = 0;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #listeners = new Set<(fact: FaultNodeFact) => void>();
  readonly #process: ChildServer<FaultNodeFact | CommandReply>;

  private constructor(readonly config: FaultNodeConfig) {
    const script = new URL(import.meta.url.endsWith(".ts") ? "./fault-node-main.ts" : "./fault-node-main.js", import.meta.url);
    this.#process = new ChildServer<FaultNodeFact | CommandReply>({
      name: config.name,
      script,
      netns: config.netns,
      // A restarted node comes back on its old port.
      env: (port) => ({ COMETA_FAULT_NODE: JSON.stringify(port === 0 ? config : { ...config, port }) }),
    });
    this.#process.onMessage((message) => this.onMessage(message));
    this.#process.onExit(() => {
      // Nobody is left to report the disconnects of a dead process.
      this.live.clear();
      for (const entry of this.#waiting.values()) entry.reject(new Error(`${config.name} exited`));
      this.#waiting.clear();
    });
  }

  /** Spawn a node and resolve once it listens (rejects if it dies first). */
  static async start(config: FaultNodeConfig): Promise<FaultNode> {
    const node = new FaultNode(config);
    await node.#process.start();
    return node;
  }

  /** Port of the current (or last) incarnation. */
  get port(): number {
    return this.#process.port;
  }

  get url(): string {
    return `http://${this.config.host ?? "127.0.0.1"}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** How the current incarnation ended; undefined while it runs. */
  get exit(): NodeExit | undefined {
    return this.#process.exit;
  }

  /** Whether the current incarnation is running. */
  get running(): boolean {
    return this.#process.running;
  }

  /** Total live sockets on this node, as reported. */
  get liveSockets(): number {
    let total = 0;
    for (const ids of this.live.values()) total += ids.size;
    return total;
  }

  /** Send a command and resolve with its result. */
  call<T = unknown>(body: CommandBody): Promise<T> {
    if (!this.running) return Promise.reject(new Error(`${this.config.name} is not running`));
    return new Promise<T>((resolve, reject) => {
      const id = this.#nextId++;
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#process.send({ ...body, id });
    });
  }

  probe(): Promise<NodeProbe> {
    return this.call<NodeProbe>({ cmd: "probe" });
  }

  /** Observe every fact from now on; returns the unsubscribe function. */
  onFact(listener: (fact: FaultNodeFact) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolve with the first fact from now on matching `predicate`. */
  waitFor(predicate: (fact: FaultNodeFact) => boolean): Promise<FaultNodeFact> {
    return new Promise((resolve) => {
      const off = this.onFact((fact) => {
        if (!predicate(fact)) return;
        off();
        resolve(fact);
      });
    });
  }

  /** Resolve once `condition` holds, re-checked after every fact. */
  until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return this.waitFor(() => condition()).then(() => undefined);
  }

  /** Resolves when the current incarnation exits. */
  exited(): Promise<NodeExit> {
    return this.#process.exited();
  }

  /** `kill -9`; resolves once gone. */
  async kill(): Promise<NodeExit> {
    await this.#process.kill();
    return this.exit!;
  }

  /** SIGTERM (graceful shutdown); resolves once the process exited by itself. */
  terminate(): Promise<NodeExit> {
    return this.#process.terminate();
  }

  /** SIGSTOP / SIGCONT. */
  freeze(): void {
    this.#process.freeze();
  }

  thaw(): void {
    this.#process.thaw();
  }

  /** Start again on the same port after it exited. */
  async restart(): Promise<void> {
    await this.#process.start();
  }

  /** Kill whatever runs (idempotent; works on a frozen process too). */
  async dispose(): Promise<void> {
    await this.#process.kill();
    this.#listeners.clear();
  }

  private onMessage(message: FaultNodeFact | CommandReply): void {
    if ("id" in message && typeof message.id === "number" && !("type" in message)) {
      const entry = this.#waiting.get(message.id);
      if (entry === undefined) return;
      this.#waiting.delete(message.id);
      if (message.error !== undefined) entry.reject(new Error(message.error));
      else entry.resolve(message.result);
      return;
    }
    const fact = message as FaultNodeFact;
    this.facts.push(fact);
    if (fact.type === "connection") {
      const ids = this.live.get(fact.clientId) ?? new Set<string>();
      ids.add(fact.id);
      this.live.set(fact.clientId, ids);
    } else if (fact.type === "disconnect") {
      const ids = this.live.get(fact.clientId);
      ids?.delete(fact.id);
      if (ids?.size === 0) this.live.delete(fact.clientId);
    }
    for (const listener of [...this.#listeners]) listener(fact);
  }
}
