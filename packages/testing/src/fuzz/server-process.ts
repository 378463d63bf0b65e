import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ProbeReply, ReadyMessage, ServerConfig } from "./server-protocol.js";

/** How the child ended. */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const STDERR_TAIL = 8 * 1024;

/**
 * The server under fuzz in a child process: start, probe over IPC, read its
 * RSS from `/proc/<pid>/status`, notice its death, stop it.
 *
 * From TypeScript sources (tests, `pnpm fuzz`) the child runs through tsx
 * with the `source` condition; from a build it runs the compiled `.js`.
 *
 * @example
 * ```ts
 * const server = await FuzzServerProcess.start({ pingInterval: 1000, pingTimeout: 1000, maxPayload: 100_000 });
 * const probe = await server.probe();
 * await server.stop();
 * ```
 */
export class FuzzServerProcess {
  /** Set once the child has exited. */
  exit: ExitInfo | undefined;
  private stderr = "";
  private readonly replies: ((reply: ProbeReply) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    /** The port the server listens on (127.0.0.1). */
    readonly port: number,
  ) {}

  /** Spawn the server and resolve once it listens; rejects if it dies or stays silent for `startMs`. */
  static start(config: ServerConfig, startMs = 20_000): Promise<FuzzServerProcess> {
    const script = new URL(import.meta.url.endsWith(".ts") ? "./fuzz-server-main.ts" : "./fuzz-server-main.js", import.meta.url);
    const fromSource = script.pathname.endsWith(".ts");
    const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
    const child = spawn(
      process.execPath,
      [...(fromSource ? ["--conditions=source", "--import", "tsx"] : []), "--expose-gc", fileURLToPath(script)],
      {
        cwd: packageRoot, // tsx is resolved from here
        env: { ...process.env, COMETA_FUZZ_SERVER: JSON.stringify(config) },
        stdio: ["ignore", "ignore", "pipe", "ipc"],
      },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`fuzz server did not start within ${startMs} ms:\n${stderr}`));
      }, startMs);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`fuzz server exited during start (code ${code}, signal ${signal}):\n${stderr}`));
      });
      child.once("message", (message: ReadyMessage) => {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        const server = new FuzzServerProcess(child, message.port);
        server.stderr = stderr;
        server.wire();
        resolve(server);
      });
    });
  }

  /** The child's pid. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Whether the child is still running. */
  get alive(): boolean {
    return this.exit === undefined;
  }

  /** The last 8 KiB the child wrote to stderr (a crash's stack trace lands here). */
  get stderrTail(): string {
    return this.stderr;
  }

  /** Ask the server for its figures; undefined if it does not answer within `timeoutMs` (a stall or a death). */
  probe(options: { gc?: boolean; timeoutMs?: number } = {}): Promise<ProbeReply | undefined> {
    if (!this.alive) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const index = this.replies.indexOf(onReply);
        if (index !== -1) this.replies.splice(index, 1);
        resolve(undefined);
      }, options.timeoutMs ?? 2000);
      const onReply = (reply: ProbeReply): void => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.replies.push(onReply);
      this.child.send({ type: "probe", gc: options.gc === true });
    });
  }

  /** Resident set size of the child from `/proc/<pid>/status` (VmRSS), bytes; undefined once it is gone. */
  rssBytes(): number | undefined {
    if (!this.alive) return undefined;
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      return match === null ? undefined : Number(match[1]) * 1024;
    } catch {
      return undefined;
    }
  }

  /** Stop the server: a graceful `io.close()` first, SIGKILL after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.send({ type: "stop" });
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private wire(): void {
    this.child.stderr?.removeAllListeners("data");
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    this.child.on("message", (message: ProbeReply) => {
      if (message.type === "probe") this.replies.shift()?.(message);
    });
    this.child.once("exit", (code, signal) => {
      this.exit = { code, signal };
    });
    // send() on a channel that just closed emits "error": the exit handler already tells the story.
    this.child.on("error", () => {});
  }
}
