import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Every child still alive when the test process exits is killed (a frozen one would never notice its parent going). */
const alive = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of alive) child.kill("SIGKILL");
});

/** How one incarnation of a {@link ChildServer} ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The message a server script sends over IPC once it listens. */
export interface ListeningMessage {
  readonly type: "listening";
  readonly port: number;
}

/** Options of {@link ChildServer}. */
export interface ChildServerOptions {
  /** Name used in errors. */
  readonly name: string;
  /** The server script: `.ts` runs through tsx with the `source` condition, `.js`/`.mjs` runs as is. */
  readonly script: string | URL;
  /**
   * Environment of each incarnation, given its port (0 the first time: the
   * script picks a free one; after that the port it reported, so a restart
   * comes back where clients look for it). Added to `process.env`.
   */
  readonly env: (port: number) => Record<string, string>;
  /** Run inside this network namespace (`ip netns exec`, needs root). */
  readonly netns?: string;
  /** Working directory; tsx is resolved from it. Default: `@cometa/testing`'s package root. */
  readonly cwd?: string;
}

/**
 * A server in a child process that a test can start, crash (`kill()`),
 * SIGTERM (`terminate()`), freeze (`freeze()`/`thaw()`) and start again on
 * the same port, while it reports facts over IPC. The script must send
 * `{ type: "listening", port }` once it listens; every other IPC message goes
 * to the listeners, from every incarnation. Used by the fault suite's Cometa
 * nodes (`FaultNode`) and the client's reference-server faults.
 *
 * @example
 * ```ts
 * const server = new ChildServer<Fact>({ name: "ref", script: new URL("./server.mjs", import.meta.url), env: (port) => ({ PORT: String(port) }) });
 * await server.start();
 * await server.kill();
 * await server.start(); // same port
 * await server.dispose();
 * ```
 */
export class ChildServer<Message = unknown> {
  /** Set once the current incarnation exited (undefined while it runs). */
  exit: ChildExit | undefined = { code: null, signal: null };
  #child: ChildProcess | undefined;
  #port = 0;
  #exited: Promise<ChildExit> = Promise.resolve({ code: null, signal: null });
  readonly #listeners = new Set<(message: Message) => void>();
  readonly #exitListeners = new Set<(exit: ChildExit) => void>();

  constructor(readonly options: ChildServerOptions) {}

  /** Port of the current (or last) incarnation. */
  get port(): number {
    return this.#port;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Whether an incarnation is running (frozen counts as running). */
  get running(): boolean {
    return this.exit === undefined;
  }

  /** Start: on a free port the first time, on the same port after that. Rejects if it dies before listening. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.options.name} is already running`);
    const script = typeof this.options.script === "string" ? this.options.script : fileURLToPath(this.options.script);
    const fromSource = script.endsWith(".ts");
    const argv = [process.execPath, ...(fromSource ? ["--conditions=source", "--import", "tsx"] : []), script];
    // `ip netns exec` execs the command: the pid, signals and the IPC channel are node's own.
    const command = this.options.netns === undefined ? argv : ["ip", "netns", "exec", this.options.netns, ...argv];
    const child = spawn(command[0]!, command.slice(1), {
      cwd: this.options.cwd ?? fileURLToPath(new URL("../../", import.meta.url)),
      env: { ...process.env, ...this.options.env(this.#port) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.#child = child;
    this.exit = undefined;
    alive.add(child);
    this.#exited = new Promise<ChildExit>((resolve) => {
      child.once("exit", (code, signal) => {
        alive.delete(child);
        const exit = { code, signal };
        this.exit = exit;
        for (const listener of [...this.#exitListeners]) listener(exit);
        resolve(exit);
      });
    });
    child.on("message", (message: Message) => {
      for (const listener of [...this.#listeners]) listener(message);
    });
    const listening = await Promise.race([
      this.waitFor((message) => isListening(message)),
      this.#exited.then((exit) => {
        throw new Error(`${this.options.name} exited before listening (${exit.code ?? exit.signal})`);
      }),
    ]);
    this.#port = (listening as ListeningMessage).port;
  }

  /** Send a message to the current incarnation over IPC. */
  send(message: unknown): void {
    this.#child?.send(message as never);
  }

  /** Observe every IPC message from now on; returns the unsubscribe function. */
  onMessage(listener: (message: Message) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called whenever an incarnation exits; returns the unsubscribe function. */
  onExit(listener: (exit: ChildExit) => void): () => void {
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  /** Resolve with the first message from now on matching `predicate`. */
  waitFor(predicate: (message: Message) => boolean): Promise<Message> {
    return new Promise((resolve) => {
      const off = this.onMessage((message) => {
        if (!predicate(message)) return;
        off();
        resolve(message);
      });
    });
  }

  /** Resolve once `condition` holds, checked at once and after every message. */
  until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return this.waitFor(() => condition()).then(() => undefined);
  }

  /** Resolves when the current incarnation exits. */
  exited(): Promise<ChildExit> {
    return this.#exited;
  }

  /** `kill -9`; resolves once gone (the kernel has closed its sockets). See {@link exit} for how it ended. */
  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  /** SIGTERM; resolves once the process exited by itself. */
  terminate(): Promise<ChildExit> {
    return this.signal("SIGTERM");
  }

  /** SIGSTOP: the process freezes; the kernel still accepts connections and buffers data for it. */
  freeze(): void {
    if (this.running) this.#child?.kill("SIGSTOP");
  }

  /** SIGCONT after {@link freeze}. */
  thaw(): void {
    if (this.running) this.#child?.kill("SIGCONT");
  }

  /** Kill whatever runs (idempotent; SIGKILL works on a frozen process too) and drop every listener. */
  async dispose(): Promise<void> {
    await this.kill();
    this.#listeners.clear();
    this.#exitListeners.clear();
  }

  private async signal(signal: NodeJS.Signals): Promise<ChildExit> {
    if (!this.running) return this.exit!;
    this.#child?.kill(signal);
    return await this.#exited;
  }
}

function isListening(message: unknown): message is ListeningMessage {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "listening";
}
