/**
 * One session: fresh server processes for a target (one, or two sharing a fresh Redis), and a load
 * generator process running a list of scenarios against them. The servers go on core 0, the
 * generator on core 1; Redis, which does little per broadcast, shares the generator's core so the
 * server core carries only server work.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { GeneratorReply, GeneratorRequest, PhaseResult, ScenarioSpec } from "../load/scenario-spec.js";
import { freePort, HOST, outputTail, SessionError, stopProcess } from "./child-processes.js";
import { pinToCore } from "./cpu-pinning.js";
import { type RedisProcess, startRedis } from "./redis-process.js";
import type { SessionPlan } from "./scenario-plan.js";
import type { Target } from "./targets.js";

const SERVER_CORE = 0;
const GENERATOR_CORE = 1;
/** Connecting thousands of clients to a slow server takes a while; this is on top of the windows. */
const SETUP_ALLOWANCE_MS = 180_000;

const generatorScript = fileURLToPath(
  new URL(`../load/main${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url),
);

/** A started process the session watches: an early exit fails the session with its output. */
interface Watched {
  name: string;
  child: ChildProcess;
  output: () => string;
}

interface ServerProcess extends Watched {
  url: string;
  pid: number;
}

function sessionTimeoutMs(scenarios: readonly ScenarioSpec[]): number {
  let total = SETUP_ALLOWANCE_MS;
  for (const spec of scenarios) {
    if (spec.kind === "idle") total += spec.settleMs;
    else total += (spec.warmupMs + spec.durationMs) * (spec.kind === "fanout" ? 2 : 1);
  }
  return total;
}

async function startServer(target: Target, index: number, redisUrl: string | undefined): Promise<ServerProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST };
  // Only a cluster session's servers see REDIS_URL, whatever the runner's own environment holds.
  if (redisUrl === undefined) delete env.REDIS_URL;
  else env.REDIS_URL = redisUrl;
  const child = spawn(process.execPath, [...process.execArgv, target.script], { env, stdio: ["ignore", "pipe", "pipe"] });
  const output = outputTail(child);
  pinToCore(child.pid!, SERVER_CORE);
  return { name: index === 0 ? "server" : `server #${index + 1}`, child, output, url: `ws://${HOST}:${port}`, pid: child.pid! };
}

/** Runs `plan.scenarios` against fresh servers of `target`; resolves with every phase's figures. */
export async function runSession(target: Target, plan: SessionPlan): Promise<PhaseResult[]> {
  const servers: ServerProcess[] = [];
  const watched: Watched[] = [];
  let redis: RedisProcess | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    if (plan.instances > 1) {
      redis = await startRedis();
      pinToCore(redis.pid, GENERATOR_CORE);
      watched.push({ name: "redis-server", child: redis.child, output: redis.output });
    }
    for (let i = 0; i < plan.instances; i++) servers.push(await startServer(target, i, redis?.url));
    watched.push(...servers);
    const generator = fork(generatorScript, [], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
    watched.push({ name: "load generator", child: generator, output: outputTail(generator) });
    pinToCore(generator.pid!, GENERATOR_CORE);

    return await new Promise<PhaseResult[]>((resolve, reject) => {
      const fail = (message: string): void => reject(new SessionError(`${target.name}: ${message}`));
      timer = setTimeout(() => fail("session timed out"), sessionTimeoutMs(plan.scenarios));
      for (const { name, child, output } of watched) {
        child.once("exit", (code, signal) => fail(`${name} exited early (${signal ?? `code ${code}`}): ${output() || "no output"}`));
      }
      const request: GeneratorRequest = {
        type: "run",
        urls: servers.map((server) => server.url),
        serverPids: servers.map((server) => server.pid),
        scenarios: [...plan.scenarios],
      };
      if (redis !== undefined) request.redisPid = redis.pid;
      generator.on("message", (reply: GeneratorReply) => {
        if (reply.type === "hello") generator.send(request);
        else if (reply.type === "result") resolve(reply.results);
        else fail(`load generator failed: ${reply.message}`);
      });
    });
  } finally {
    clearTimeout(timer);
    for (const { child } of watched) child.removeAllListeners("exit");
    // Generator first (its clients go away), then the servers, then the Redis they were using.
    const generator = watched.find((entry) => entry.name === "load generator");
    if (generator !== undefined) await stopProcess(generator.child);
    await Promise.all(servers.map((server) => stopProcess(server.child)));
    await redis?.stop();
  }
}
