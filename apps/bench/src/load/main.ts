/**
 * Load generator process entry. Forked by the runner with an IPC channel: it receives one
 * `GeneratorRequest`, waits until every server instance is ready (a full Socket.IO connect, BENCH.md),
 * runs the scenarios in order and replies with their `PhaseResult`s, then exits.
 */
import { waitUntilReady } from "./connect-many.js";
import type { GeneratorReply, GeneratorRequest, GeneratorTarget, PhaseResult, ScenarioSpec } from "./scenario-spec.js";
import { runConnect } from "./scenarios/connect.js";
import { runFanout } from "./scenarios/fanout.js";
import { runIdle } from "./scenarios/idle.js";
import { runRpc } from "./scenarios/rpc.js";

function runScenario(target: GeneratorTarget, spec: ScenarioSpec): Promise<PhaseResult[]> {
  switch (spec.kind) {
    case "fanout":
      return runFanout(target, spec);
    case "idle":
      return runIdle(target, spec);
    case "rpc":
      return runRpc(target, spec);
    case "connect":
      return runConnect(target, spec);
  }
}

function reply(message: GeneratorReply): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

async function handle(request: GeneratorRequest): Promise<void> {
  await Promise.all(request.urls.map((url) => waitUntilReady(url)));
  const target: GeneratorTarget = { urls: request.urls, serverPids: request.serverPids };
  if (request.redisPid !== undefined) target.redisPid = request.redisPid;
  const results: PhaseResult[] = [];
  for (const spec of request.scenarios) results.push(...(await runScenario(target, spec)));
  await reply({ type: "result", results });
}

if (process.send === undefined) {
  console.error("load/main.js is started by the bench runner (it needs an IPC channel)");
  process.exit(2);
}
process.once("message", (request: GeneratorRequest) => {
  handle(request).then(
    () => process.exit(0),
    async (error: unknown) => {
      await reply({ type: "error", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    },
  );
});
void reply({ type: "hello" });
