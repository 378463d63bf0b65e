/**
 * Disposable Redis servers for tests: a real `redis-server` on a free loopback
 * port (`--save '' --appendonly no`), with the faults the reliability catalogue
 * needs (kill -9, restart on the same port, SIGSTOP/SIGCONT), plus a local
 * 3-master Redis Cluster.
 *
 * When `redis-server` is missing, {@link redisAvailable} is false and
 * {@link requireRedis} explains why; under `CI=true` a missing binary is a
 * failure, never a skip.
 *
 * @example
 * ```ts
 * import { describe } from "vitest";
 * import { describeRedis, startRedis } from "./redis-harness.js";
 * describeRedis("my feature", () => {
 *   let redis: RedisProcess;
 *   beforeAll(async () => { redis = await startRedis(); });
 *   afterAll(() => redis.stop());
 *   it("works", async () => { ... redis.url ... });
 * });
 * ```
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe } from "vitest";

/** Path of the redis-server binary (override with `REDIS_SERVER`). */
export const redisServerPath = process.env.REDIS_SERVER ?? findBinary("redis-server");
/** Path of redis-cli (override with `REDIS_CLI`). */
export const redisCliPath = process.env.REDIS_CLI ?? findBinary("redis-cli");
/** Whether Redis tests can run here. */
export const redisAvailable = redisServerPath !== undefined && redisCliPath !== undefined;

/**
 * `describe` for suites that need Redis: runs normally when Redis is
 * installed; skips when it is not, except under `CI=true`, where the suite
 * runs and fails loudly (so a missing binary never turns into a green run).
 */
export const describeRedis: typeof describe = (
  redisAvailable || process.env.CI === "true" ? describe : describe.skip
) as typeof describe;

/** Throws a clear error when Redis is not installed (call in `beforeAll`). */
export function requireRedis(): void {
  if (!redisAvailable) {
    throw new Error("redis-server / redis-cli not found: install redis-server (apt-get install redis-server) or set REDIS_SERVER");
  }
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Send raw RESP commands and resolve with the first reply line (readiness probes, no client library). */
export async function rawCommand(port: number, command: readonly string[], timeoutMs = 1000): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let buffer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis on ${port}: no reply within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding("utf8");
    socket.on("connect", () => {
      socket.write(`*${command.length}\r\n${command.map((c) => `$${Buffer.byteLength(c)}\r\n${c}\r\n`).join("")}`);
    });
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf("\r\n");
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(buffer.slice(0, end));
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}

/** Resolve once Redis on `port` answers PING with PONG (rejects after `timeoutMs`). */
export async function awaitReady(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if ((await rawCommand(port, ["PING"], 500)) === "+PONG") return;
    } catch (error) {
      last = error;
    }
    await delay(25); // polling a port that is not open yet: there is no event to await
  }
  throw new Error(`redis on ${port} not ready after ${timeoutMs} ms`, { cause: last });
}

/** Options of {@link startRedis}. */
export interface RedisOptions {
  /** Port to use; a free one by default. */
  readonly port?: number;
  /** Extra `redis-server` arguments, e.g. `["--cluster-enabled", "yes"]`. */
  readonly args?: readonly string[];
}

/** A running (or stopped, restartable) redis-server. */
export interface RedisProcess {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Pid of the current process (undefined while stopped). */
  readonly pid: number | undefined;
  /** Whether a process is running (possibly paused). */
  readonly running: boolean;
  /** Graceful stop (SIGTERM), resolves once exited. Idempotent. */
  stop(): Promise<void>;
  /** `kill -9`, resolves once exited. */
  kill(): Promise<void>;
  /** Start again on the same port (after `stop`/`kill`), resolves when ready. */
  restart(): Promise<void>;
  /** `kill -STOP`: the process keeps its sockets open but answers nothing. */
  pause(): void;
  /** `kill -CONT`. */
  resume(): void;
  /** Run a command through redis-cli and return its stdout (trimmed). */
  cli(...args: string[]): string;
}

const running = new Set<RedisHandle>();
process.once("exit", () => {
  // Last resort so a crashed test run leaves no redis-server behind.
  for (const handle of running) handle.child?.kill("SIGKILL");
});

class RedisHandle implements RedisProcess {
  child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly dir = mkdtempSync(join(tmpdir(), "cometa-redis-"));

  constructor(
    readonly port: number,
    private readonly args: readonly string[],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  async start(): Promise<void> {
    requireRedis();
    const child = spawn(
      redisServerPath!,
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        this.dir,
        "--logfile",
        "",
        "--loglevel",
        "warning",
        ...this.args,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    this.child = child;
    running.add(this);
    this.exited = new Promise<void>((resolve) => {
      child.once("exit", () => {
        if (this.child === child) this.child = undefined;
        running.delete(this);
        resolve();
      });
    });
    const failed = this.exited.then(() => {
      throw new Error(`redis-server on ${this.port} exited at start: ${stderr.trim()}`);
    });
    await Promise.race([awaitReady(this.port), failed]);
    failed.catch(() => {}); // the race is settled; a later exit is normal
  }

  async stop(): Promise<void> {
    await this.signal("SIGTERM");
    rmSync(this.dir, { recursive: true, force: true });
  }

  async kill(): Promise<void> {
    await this.signal("SIGKILL");
  }

  async restart(): Promise<void> {
    if (this.child !== undefined) throw new Error(`redis on ${this.port} is still running`);
    await this.start();
  }

  pause(): void {
    this.child?.kill("SIGSTOP");
  }

  resume(): void {
    this.child?.kill("SIGCONT");
  }

  cli(...args: string[]): string {
    return execFileSync(redisCliPath!, ["-h", "127.0.0.1", "-p", String(this.port), ...args], {
      encoding: "utf8",
      timeout: 10_000,
    }).trim();
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill("SIGCONT"); // a paused process would not act on SIGTERM
    child.kill(signal);
    await this.exited;
  }
}

/**
 * Start a redis-server on a free loopback port (or `options.port`) and resolve
 * when it answers PING. Stop it with `stop()` in `afterAll`/`afterEach`.
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisProcess> {
  const handle = new RedisHandle(options.port ?? (await freePort()), options.args ?? []);
  await handle.start();
  return handle;
}

/** A local Redis Cluster. */
/**
 * One `redis-server` for a describe block: started before its tests, stopped after them, and emptied (`FLUSHALL`)
 * before each test. Call it first in the block so the flush runs before the block's own `beforeEach`.
 * Returns a getter: the process exists once `beforeAll` has run.
 */
export function useRedis(options: RedisOptions = {}): () => RedisProcess {
  let redis: RedisProcess | undefined;
  beforeAll(async () => {
    redis = await startRedis(options);
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    await rawCommand(redis!.port, ["FLUSHALL"]);
  });
  return () => redis!;
}

export interface RedisClusterProcess {
  /** The masters, one per shard. */
  readonly nodes: readonly RedisProcess[];
  /** `{ host, port }` of every node (ioredis `Cluster` startup nodes). */
  readonly startupNodes: readonly { host: string; port: number }[];
  /** Stop every node. */
  stop(): Promise<void>;
}

/**
 * Start a Redis Cluster of `masters` masters (default 3) with no replicas on
 * free loopback ports, created with `redis-cli --cluster create`, and resolve
 * once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterProcess> {
  requireRedis();
  const nodes: RedisProcess[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      const busPort = await freePort();
      nodes.push(
        await startRedis({
          args: [
            "--cluster-enabled",
            "yes",
            "--cluster-port",
            String(busPort),
            "--cluster-config-file",
            `nodes-${i}.conf`,
            "--cluster-node-timeout",
            "2000",
          ],
        }),
      );
    }
    execFileSync(
      redisCliPath!,
      ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", "0", "--cluster-yes"],
      { encoding: "utf8", timeout: 20_000, stdio: ["ignore", "pipe", "pipe"] },
    );
    await awaitClusterOk(nodes);
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw error;
  }
  return {
    nodes,
    startupNodes: nodes.map((n) => ({ host: "127.0.0.1", port: n.port })),
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}

async function awaitClusterOk(nodes: readonly RedisProcess[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (nodes.every((n) => n.cli("CLUSTER", "INFO").includes("cluster_state:ok"))) return;
    await delay(100); // gossip convergence has no event to await
  }
  throw new Error(`redis cluster not ok after ${timeoutMs} ms`);
}

function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir !== "" && existsSync(join(dir, name))) return join(dir, name);
  }
  for (const dir of ["/usr/bin", "/usr/local/bin"]) if (existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
