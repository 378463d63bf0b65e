import { afterEach, describe, it } from "vitest";
import type { Socket } from "../../src/index.js";
import { expectCleanRecovery, HEARTBEAT, MARGIN_MS } from "./fault-expectations.js";
import { formatReport, runFaultScenario } from "./fault-scenario.js";
import { ServerProcess } from "./server-process.js";

/**
 * Fault (a): the server process is SIGKILLed mid-stream and started again on
 * the same port. The kernel closes the dead process's sockets, so the client
 * hears of it at once (FIN/RST), buffers emits while the server is down, and
 * delivers them in order after reconnecting.
 */

let server: ServerProcess | undefined;
let socket: Socket | undefined;

afterEach(async () => {
  socket?.io.close();
  socket = undefined;
  await server?.dispose();
  server = undefined;
});

describe.each([
  { transport: "websocket" as const },
  { transport: "polling" as const },
])("server killed and restarted on the same port ($transport)", ({ transport }) => {
  it("reconnects and delivers the emits buffered while the server was down, in order", async () => {
    const current = new ServerProcess(HEARTBEAT);
    server = current;
    await current.start();
    const report = await runFaultScenario({
      name: `kill -9 + restart (${transport})`,
      server: current,
      origin: current.origin,
      transports: [transport],
      inject: () => current.kill(),
      heal: () => current.start(),
      outageMs: 500,
    });
    socket = report.socket;
    console.log(formatReport(report));
    // A killed process's sockets are closed by the kernel: no heartbeat needed, the margin alone bounds it.
    await expectCleanRecovery(report, current, {
      reasons: ["transport close", "transport error"],
      maxDetectionMs: MARGIN_MS,
    });
  });
});
