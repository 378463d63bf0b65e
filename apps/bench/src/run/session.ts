/**
 * One session: a fresh server process for a target and a load generator process running a list of
 * scenarios against it. The server goes on core 0, the generator on core 1.
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import type { GeneratorReply, GeneratorRequest, PhaseResult, ScenarioSpec } from "../load/scenario-spec.js";
import { pinToCore } from "./cpu-pinning.js";
import type { Target } from "./targets.js";

const HOST = "127.0.0.1";
const SERVER_CORE = 0;
const GENERATOR_CORE = 1;
const KILL_AFTER_MS = 3000;
/** Connecting thousands of clients to a slow server takes a while; this is on top of the windows. */
const SETUP_ALLOWANCE_MS = 180_000;

const generatorScript = fileURLToPath(
  new URL(`../load/main${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url),
);

/** Thrown when a session fails: server crash, generator error or timeout. */
export class SessionError extends Error {
  readonly code = "BENCH_SESSION_FAILED";
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, HOST);
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === "string") throw new SessionError("no free port");
  return address.port;
}

/** Keeps the last few KiB a process wrote, for error messages. */
function tail(child: ChildProcess): () => string {
  let text = "";
  const keep = (chunk: Buffer): void => {
    text = (text + chunk.toString("utf8")).slice(-4096);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => text.trim();
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
  await exited;
  clearTimeout(timer);
}

function sessionTimeoutMs(scenarios: readonly ScenarioSpec[]): number {
  let total = SETUP_ALLOWANCE_MS;
  for (const spec of scenarios) {
    if (spec.kind === "idle") total += spec.settleMs;
    else total += (spec.warmupMs + spec.durationMs) * (spec.kind === "fanout" ? 2 : 1);
  }
  return total;
}

/** Runs `scenarios` against a fresh server of `target`; resolves with every phase's figures. */
export async function runSession(target: Target, scenarios: readonly ScenarioSpec[]): Promise<PhaseResult[]> {
  const port = await freePort();
  const server = spawn(process.execPath, [...process.execArgv, target.script], {
    env: { ...process.env, PORT: String(port), HOST },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const serverOutput = tail(server);
  pinToCore(server.pid!, SERVER_CORE);
  const generator = fork(generatorScript, [], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
  const generatorOutput = tail(generator);
  pinToCore(generator.pid!, GENERATOR_CORE);

  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<PhaseResult[]>((resolve, reject) => {
      const fail = (message: string): void => reject(new SessionError(`${target.name}: ${message}`));
      timer = setTimeout(() => fail("session timed out"), sessionTimeoutMs(scenarios));
      server.once("exit", (code, signal) =>
        fail(`server exited early (${signal ?? `code ${code}`}): ${serverOutput() || "no output"}`),
      );
      generator.once("exit", (code, signal) =>
        fail(`load generator exited early (${signal ?? `code ${code}`}): ${generatorOutput() || "no output"}`),
      );
      const request: GeneratorRequest = { type: "run", url: `ws://${HOST}:${port}`, serverPid: server.pid!, scenarios: [...scenarios] };
      generator.on("message", (reply: GeneratorReply) => {
        if (reply.type === "hello") generator.send(request);
        else if (reply.type === "result") resolve(reply.results);
        else fail(`load generator failed: ${reply.message}`);
      });
    });
  } finally {
    clearTimeout(timer);
    server.removeAllListeners("exit");
    generator.removeAllListeners("exit");
    await Promise.all([stop(generator), stop(server)]);
  }
}
