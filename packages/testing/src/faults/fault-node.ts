import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CommandReply, FaultNodeCommand, FaultNodeConfig, FaultNodeFact, NodeProbe } from "./fault-node-protocol.js";

/** Every child still alive when the test process exits is killed (a frozen one would never notice). */
const alive = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of alive) child.kill("SIGKILL");
});

type CommandBody = FaultNodeCommand extends infer C ? (C extends { id: number } ? Omit<C, "id"> : never) : never;

/** How a node process ended. */
export interface NodeExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

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
  /** Set once the current incarnation exited. */
  exit: NodeExit | undefined;
  #child: ChildProcess | undefined;
  #port = 0;
  #nextId = 0;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #listeners = new Set<(fact: FaultNodeFact) => void>();
  #exited: Promise<NodeExit> = Promise.resolve({ code: null, signal: null });

  private constructor(readonly config: FaultNodeConfig) {}

  /** Spawn a node and resolve once it listens (rejects if it dies first). */
  static async start(config: FaultNodeConfig): Promise<FaultNode> {
    const node = new FaultNode(config);
    await node.spawn(config);
    return node;
  }

  /** Port of the current (or last) incarnation on 127.0.0.1. */
  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://${this.config.host ?? "127.0.0.1"}:${this.#port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Whether the current incarnation is running. */
  get running(): boolean {
    return this.exit === undefined;
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
      this.#child?.send({ ...body, id });
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
    return this.#exited;
  }

  /** `kill -9`; resolves once gone. */
  async kill(): Promise<NodeExit> {
    return await this.signal("SIGKILL");
  }

  /** SIGTERM (graceful shutdown); resolves once the process exited by itself. */
  async terminate(): Promise<NodeExit> {
    return await this.signal("SIGTERM");
  }

  /** SIGSTOP / SIGCONT. */
  freeze(): void {
    this.#child?.kill("SIGSTOP");
  }

  thaw(): void {
    this.#child?.kill("SIGCONT");
  }

  /** Start again on the same port after it exited. */
  async restart(): Promise<void> {
    if (this.running) throw new Error(`${this.config.name} is still running`);
    await this.spawn({ ...this.config, port: this.#port });
  }

  /** Kill whatever runs (idempotent; works on a frozen process too). */
  async dispose(): Promise<void> {
    if (this.running) await this.kill();
    this.#listeners.clear();
  }

  private async signal(signal: NodeJS.Signals): Promise<NodeExit> {
    if (!this.running) return this.exit!;
    this.#child?.kill(signal);
    return await this.#exited;
  }

  private async spawn(config: FaultNodeConfig): Promise<void> {
    const script = new URL(import.meta.url.endsWith(".ts") ? "./fault-node-main.ts" : "./fault-node-main.js", import.meta.url);
    const fromSource = script.pathname.endsWith(".ts");
    const argv = [process.execPath, ...(fromSource ? ["--conditions=source", "--import", "tsx"] : []), fileURLToPath(script)];
    // `ip netns exec` execs the command: the pid, signals and the IPC channel are node's own.
    const command = config.netns === undefined ? argv : ["ip", "netns", "exec", config.netns, ...argv];
    const child = spawn(command[0]!, command.slice(1), {
      cwd: fileURLToPath(new URL("../../", import.meta.url)), // tsx is resolved from the package root
      env: { ...process.env, COMETA_FAULT_NODE: JSON.stringify(config) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.#child = child;
    this.exit = undefined;
    alive.add(child);
    this.#exited = new Promise<NodeExit>((resolve) => {
      child.once("exit", (code, signal) => {
        alive.delete(child);
        this.exit = { code, signal };
        // Nobody is left to report the disconnects of a dead process.
        this.live.clear();
        for (const entry of this.#waiting.values()) entry.reject(new Error(`${config.name} exited`));
        this.#waiting.clear();
        resolve(this.exit);
      });
    });
    child.on("message", (message: FaultNodeFact | CommandReply) => this.onMessage(message));
    const listening = await Promise.race([
      this.waitFor((fact) => fact.type === "listening"),
      this.#exited.then((exit) => {
        throw new Error(`${config.name} exited before listening (${exit.code ?? exit.signal})`);
      }),
    ]);
    if (listening.type === "listening") this.#port = listening.port;
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
