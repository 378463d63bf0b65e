/**
 * Load generator process entry. Forked by the runner with an IPC channel: it receives one
 * `GeneratorRequest`, waits until the server is ready (a full Socket.IO connect, BENCH.md), runs the
 * scenarios in order and replies with their `PhaseResult`s, then exits.
 */
import { waitUntilReady } from "./connect-many.js";
import type { GeneratorReply, GeneratorRequest, PhaseResult, ScenarioSpec } from "./scenario-spec.js";
import { runConnect } from "./scenarios/connect.js";
import { runFanout } from "./scenarios/fanout.js";
import { runIdle } from "./scenarios/idle.js";
import { runRpc } from "./scenarios/rpc.js";

function runScenario(url: string, serverPid: number, spec: ScenarioSpec): Promise<PhaseResult[]> {
  switch (spec.kind) {
    case "fanout":
      return runFanout(url, serverPid, spec);
    case "idle":
      return runIdle(url, serverPid, spec);
    case "rpc":
      return runRpc(url, serverPid, spec);
    case "connect":
      return runConnect(url, serverPid, spec);
  }
}

function reply(message: GeneratorReply): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

async function handle(request: GeneratorRequest): Promise<void> {
  await waitUntilReady(request.url);
  const results: PhaseResult[] = [];
  for (const spec of request.scenarios) results.push(...(await runScenario(request.url, request.serverPid, spec)));
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
