/**
 * A disposable `redis-server` for the cross-instance scenario: started on a free loopback port with
 * persistence off (`--save '' --appendonly no`), probed with a raw PING until it answers, stopped
 * after the session. The binary is `REDIS_SERVER` or `redis-server` on the PATH.
 *
 * @example
 * const redis = await startRedis();
 * // … servers get REDIS_URL = redis.url; /proc/<redis.pid>/stat gives Redis's own CPU …
 * await redis.stop();
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort, HOST, hasExited, outputTail, SessionError, stopProcess } from "./child-processes.js";

const READY_TIMEOUT_MS = 10_000;
const PROBE_INTERVAL_MS = 20;
const PROBE_TIMEOUT_MS = 500;

/** A running Redis the runner owns. */
export interface RedisProcess {
  /** `redis://127.0.0.1:<port>` for the servers' `REDIS_URL`. */
  readonly url: string;
  readonly pid: number;
  /** The child, for exit watching. */
  readonly child: ChildProcess;
  /** The last output Redis wrote (error messages). */
  output(): string;
  /** Stops it (SIGTERM, SIGKILL after 3 s). */
  stop(): Promise<void>;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Path of `redis-server` (env `REDIS_SERVER`, else the PATH), or undefined when there is none. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.REDIS_SERVER) return isExecutable(env.REDIS_SERVER) ? env.REDIS_SERVER : undefined;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, "redis-server");
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Why the cross-instance scenario cannot run here, or undefined when it can. */
export function redisUnavailableReason(): string | undefined {
  return findRedisServer() === undefined
    ? "redis-server not found (install it: apt-get install redis-server, or set REDIS_SERVER)"
    : undefined;
}

/** Sends one inline PING and resolves with whether `+PONG` came back in time. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    let reply = "";
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), PROBE_TIMEOUT_MS);
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: string) => {
      reply += chunk;
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
    socket.once("error", () => done(false));
  });
}

/** Starts a fresh Redis and resolves once it answers PING; rejects with its output if it cannot. */
export async function startRedis(): Promise<RedisProcess> {
  const binary = findRedisServer();
  if (binary === undefined) throw new SessionError(redisUnavailableReason()!);
  const port = await freePort();
  const args = ["--port", String(port), "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", tmpdir()];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output = outputTail(child);
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  const redis: RedisProcess = {
    url: `redis://${HOST}:${port}`,
    pid: child.pid ?? -1,
    child,
    output,
    stop: () => stopProcess(child),
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await ping(port))) {
    if (spawnError !== undefined || hasExited(child) || Date.now() > deadline) {
      if (spawnError === undefined) await redis.stop();
      const why = spawnError?.message ?? (output() || "no output");
      throw new SessionError(`redis-server on port ${port} did not start: ${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
  return redis;
}
