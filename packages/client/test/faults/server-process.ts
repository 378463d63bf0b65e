import { type ChildProcess, fork } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const CHILD = resolve(dirname(fileURLToPath(import.meta.url)), "reference-server-child.mjs");

/** Every server process still running: killed when the test process exits, even a stopped one, which would not
 * notice its parent going away and stay frozen forever. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** A fact the server process reported (see `reference-server-child.mjs`). */
export type ServerFact =
  | { readonly type: "listening"; readonly port: number; readonly pid: number }
  | { readonly type: "connection"; readonly id: string }
  | { readonly type: "disconnect"; readonly id: string; readonly reason: string }
  | { readonly type: "seq"; readonly id: string; readonly n: number }
  | { readonly type: "double"; readonly id: string; readonly n: number };

/** Heartbeat and stream settings of the server process. */
export interface ServerProcessOptions {
  readonly pingInterval: number;
  readonly pingTimeout: number;
  /** Period of the server → client `tick` stream, ms. */
  readonly tickMs?: number;
}

/**
 * The official socket.io server in a child process that a test can crash
 * (`kill()`), restart on the same port (`start()` again), freeze (`stop()`)
 * and thaw (`resume()`). Facts from every incarnation go to the same
 * listeners, and the namespace sockets alive on the server are tracked.
 *
 * @example
 * ```ts
 * const server = new ServerProcess({ pingInterval: 300, pingTimeout: 300 });
 * await server.start();
 * await server.kill();
 * await server.start(); // same port
 * ```
 */
export class ServerProcess {
  /** Namespace socket ids connected right now, as last reported. */
  readonly live = new Set<string>();
  #child: ChildProcess | undefined;
  #port = 0;
  readonly #listeners = new Set<(fact: ServerFact) => void>();

  constructor(private readonly options: ServerProcessOptions) {}

  /** `http://127.0.0.1:<port>` of the current (or last) incarnation. */
  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  /** Start a server process: on a free port the first time, on the same port after that. */
  async start(): Promise<void> {
    if (this.#child !== undefined) throw new Error("server process already running");
    const child = fork(CHILD, [], {
      // Not the test worker's flags: the child is plain JavaScript.
      execArgv: [],
      env: {
        ...process.env,
        PORT: String(this.#port),
        PING_INTERVAL: String(this.options.pingInterval),
        PING_TIMEOUT: String(this.options.pingTimeout),
        TICK_MS: String(this.options.tickMs ?? 10),
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.#child = child;
    running.add(child);
    child.on("message", (fact: ServerFact) => this.#onFact(fact));
    child.once("exit", () => {
      running.delete(child);
      if (this.#child === child) this.#child = undefined;
    });
    const listening = await new Promise<ServerFact>((resolve, reject) => {
      child.once("exit", (code, signal) => reject(new Error(`server process exited early (${code ?? signal})`)));
      this.waitFor((fact) => fact.type === "listening").then(resolve, reject);
    });
    if (listening.type === "listening") this.#port = listening.port;
  }

  /** SIGKILL the server and wait until it is gone (the kernel closes its sockets). */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
    // Nobody is left to report disconnects of a killed server.
    this.live.clear();
  }

  /** SIGSTOP: the process freezes; the kernel still accepts connections and buffers data for it. */
  stop(): void {
    this.#child?.kill("SIGSTOP");
  }

  /** SIGCONT after {@link stop}. */
  resume(): void {
    this.#child?.kill("SIGCONT");
  }

  /** Observe every fact; returns an unsubscribe function. */
  onFact(listener: (fact: ServerFact) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolve with the first fact from now on that satisfies `predicate`. */
  waitFor(predicate: (fact: ServerFact) => boolean): Promise<ServerFact> {
    return new Promise((resolve) => {
      const off = this.onFact((fact) => {
        if (!predicate(fact)) return;
        off();
        resolve(fact);
      });
    });
  }

  /** Resolve once `condition` holds, re-checked after every fact (checked at once too). */
  until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return this.waitFor(condition).then(() => undefined);
  }

  /** Kill whatever is running (also when stopped: SIGKILL works on a stopped process). */
  async dispose(): Promise<void> {
    await this.kill();
    this.#listeners.clear();
  }

  #onFact(fact: ServerFact): void {
    if (fact.type === "connection") this.live.add(fact.id);
    if (fact.type === "disconnect") this.live.delete(fact.id);
    for (const listener of [...this.#listeners]) listener(fact);
  }
}
