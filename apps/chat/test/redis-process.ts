import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

/** Debian's redis-server (scripts/system-deps.sh installs it); `REDIS_SERVER_PATH` overrides. */
export const REDIS_SERVER_PATH = process.env.REDIS_SERVER_PATH ?? "/usr/bin/redis-server";

/** Locally a missing redis-server skips the Redis tests; under `CI=true` it fails them. */
export const redisTestsRun = existsSync(REDIS_SERVER_PATH) || process.env.CI === "true";

/** A throwaway redis-server: no persistence, loopback only. */
export interface RedisProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/** Start redis-server on `port` and resolve once it accepts connections. */
export function startRedis(port: number): Promise<RedisProcess> {
  if (!existsSync(REDIS_SERVER_PATH)) {
    return Promise.reject(new Error(`redis-server not found at ${REDIS_SERVER_PATH}; CI=true requires the Redis tests`));
  }
  const child = spawn(REDIS_SERVER_PATH, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      if (!output.includes("Ready to accept connections")) return;
      resolve({
        url: `redis://127.0.0.1:${port}`,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
          return exited;
        },
      });
    });
    void exited.then(() => reject(new Error(`redis-server exited before it was ready:\n${output}`)));
  });
}
