/**
 * A load-harness child process (server or client fleet) driven over IPC:
 * it reports `{ type: "ready", ... }` once started and answers commands
 * `{ id, cmd, ...args }` with `{ id, result }` or `{ id, error }`.
 *
 * From TypeScript sources (vitest, `pnpm soak`) the child runs through tsx
 * with the `source` condition, like FuzzServerProcess.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const STDERR_TAIL = 8 * 1024;

/**
 * `--cpu-prof` into `$LOAD_CPU_PROF` (a directory) for children whose script
 * name contains `$LOAD_CPU_PROF_SCRIPT` (default every child), e.g.
 * `LOAD_CPU_PROF=/tmp/prof LOAD_CPU_PROF_SCRIPT=client`: how the generator is
 * profiled. A profile is written when the child exits on `stop`.
 */
function profileArgs(script: string): string[] {
  const dir = process.env.LOAD_CPU_PROF;
  if (dir === undefined || dir === "" || !script.includes(process.env.LOAD_CPU_PROF_SCRIPT ?? "")) return [];
  return ["--cpu-prof", `--cpu-prof-dir=${dir}`];
}

/** Reply of a child to a command. */
interface Reply {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}

/** A child process of the load harness. */
export class LoadProcess<Ready = unknown> {
  private stderr = "";
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private exited = false;
  private readonly exitPromise: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    /** What the child reported when ready (its port, for a server). */
    readonly ready: Ready,
    stderr: string,
  ) {
    this.stderr = stderr;
    this.exitPromise = new Promise((resolve) => child.once("exit", () => resolve()));
    child.stderr?.removeAllListeners("data");
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    child.on("message", (message: Reply) => {
      const entry = this.waiting.get(message.id);
      if (entry === undefined) return;
      this.waiting.delete(message.id);
      if (message.error !== undefined) entry.reject(new Error(message.error));
      else entry.resolve(message.result);
    });
    child.once("exit", (code, signal) => {
      this.exited = true;
      for (const entry of this.waiting.values()) entry.reject(new Error(`load child exited (${code ?? signal}):\n${this.stderr}`));
      this.waiting.clear();
    });
    child.on("error", () => {}); // send() racing an exit: the exit handler tells the story
  }

  /**
   * Starts `script` (a sibling module name without extension, e.g. `load-server-main`)
   * with `config` in `COMETA_LOAD_CONFIG`. Not pinned with taskset: the CI
   * machine's two cores are shared with other jobs, so pinning would measure them.
   */
  static start<Ready>(script: string, config: unknown, options: { startMs?: number } = {}): Promise<LoadProcess<Ready>> {
    const fromSource = import.meta.url.endsWith(".ts");
    const scriptPath = fileURLToPath(new URL(`./${script}${fromSource ? ".ts" : ".js"}`, import.meta.url));
    const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
    const nodeArgs = [...(fromSource ? ["--conditions=source", "--import", "tsx"] : []), "--expose-gc", ...profileArgs(script), scriptPath];
    const child = spawn(process.execPath, nodeArgs, {
      cwd: packageRoot, // tsx resolves from here
      env: { ...process.env, COMETA_LOAD_CONFIG: JSON.stringify(config) },
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    const startMs = options.startMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${script} did not start within ${startMs} ms:\n${stderr}`));
      }, startMs);
      const onExit = (code: number | null, signal: string | null): void => {
        clearTimeout(timer);
        reject(new Error(`${script} exited during start (${code ?? signal}):\n${stderr}`));
      };
      child.once("exit", onExit);
      child.once("message", (message: { type: string } & Ready) => {
        clearTimeout(timer);
        child.removeListener("exit", onExit);
        resolve(new LoadProcess<Ready>(child, message, stderr));
      });
    });
  }

  /** The child's pid. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Whether the child is still running. */
  get alive(): boolean {
    return !this.exited;
  }

  /** The last 8 KiB the child wrote to stderr. */
  get stderrTail(): string {
    return this.stderr;
  }

  /** Runs a command in the child and resolves with its result. */
  call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`load child exited:\n${this.stderr}`));
    return new Promise<T>((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, cmd, ...args });
    });
  }

  /** Asks the child to finish (`stop` command), SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    this.call("stop").catch(() => {});
    await this.exitPromise;
    clearTimeout(timer);
  }
}
