import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

const alive = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of alive) child.kill("SIGKILL");
});

/**
 * A `redis-server` (or `redis-server --sentinel`) on loopback, no persistence,
 * with kill -9 and restart on the same port.
 *
 * @example
 * ```ts
 * const redis = await RedisProcess.start();
 * await redis.kill();
 * await redis.restart();
 * await redis.stop();
 * ```
 */
export class RedisProcess {
  #child: ChildProcess | undefined;
  readonly #dir = mkdtempSync(join(tmpdir(), "cometa-faults-redis-"));

  private constructor(
    readonly port: number,
    private readonly args: readonly string[],
    private readonly configText: string | undefined,
  ) {}

  /** Start on `port` (default: a free one) with extra `args`; resolves when it answers PING. */
  static async start(options: { port?: number; args?: readonly string[]; sentinelConfig?: string } = {}): Promise<RedisProcess> {
    const redis = new RedisProcess(options.port ?? (await freePort()), options.args ?? [], options.sentinelConfig);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Start (again) on the same port; resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.#child !== undefined) throw new Error(`redis ${this.port} already running`);
    const base = ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.#dir];
    let argv = [...base, ...this.args];
    if (this.configText !== undefined) {
      // Sentinel rewrites its config file, so it needs one of its own.
      const file = join(this.#dir, "sentinel.conf");
      execFileSync("sh", ["-c", `cat > ${file}`], { input: `port ${this.port}\nbind 127.0.0.1\n${this.configText}` });
      argv = [file, "--sentinel"];
    }
    const child = spawn("redis-server", argv, { stdio: "ignore" });
    this.#child = child;
    alive.add(child);
    child.once("exit", () => {
      alive.delete(child);
      if (this.#child === child) this.#child = undefined;
    });
    await this.awaitPing();
  }

  /** Run redis-cli against this server and return its trimmed output. */
  cli(...args: string[]): string {
    return execFileSync("redis-cli", ["-p", String(this.port), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  }

  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  async stop(): Promise<void> {
    await this.signal("SIGTERM");
    rmSync(this.#dir, { recursive: true, force: true });
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await exited;
  }

  private async awaitPing(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        if (this.cli("PING") === "PONG") return;
      } catch {
        // not listening yet
      }
      // Polling a port that is not open yet: there is no event to await.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis ${this.port} did not answer PING within 10 s`);
  }
}
