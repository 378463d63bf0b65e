import { afterEach, describe, it } from "vitest";
import type { Socket } from "../../src/index.js";
import { type BlackholeProxy, startBlackholeProxy } from "./blackhole-proxy.js";
import { DETECTION_DEADLINE_MS, expectCleanRecovery, HEARTBEAT, MARGIN_MS } from "./fault-expectations.js";
import { formatReport, runFaultScenario } from "./fault-scenario.js";
import { ServerProcess } from "./server-process.js";

/**
 * Fault (b), RELIABILITY.md F6: the link drops silently (no FIN, no RST) and
 * comes back later. Only the heartbeat can tell: the client must give up on
 * the connection within pingInterval + pingTimeout, buffer emits while the
 * link is dead, and reconnect once it forwards again. The server must free
 * the dead session on its side too (one live session afterwards).
 */

let server: ServerProcess | undefined;
let proxy: BlackholeProxy | undefined;
let socket: Socket | undefined;

afterEach(async () => {
  socket?.io.close();
  socket = undefined;
  await proxy?.close();
  proxy = undefined;
  await server?.dispose();
  server = undefined;
});

describe.each([
  { transport: "websocket" as const },
  { transport: "polling" as const },
])("connection blackholed, no FIN ($transport)", ({ transport }) => {
  it("notices within pingInterval + pingTimeout and reconnects once the link forwards again", async () => {
    const current = new ServerProcess(HEARTBEAT);
    server = current;
    await current.start();
    const link = await startBlackholeProxy(current.port);
    proxy = link;
    const report = await runFaultScenario({
      name: `silent drop (${transport})`,
      server: current,
      origin: link.origin,
      transports: [transport],
      inject: () => link.blackhole(),
      heal: () => link.heal(),
      outageMs: 1000,
    });
    socket = report.socket;
    console.log(formatReport(report));
    await expectCleanRecovery(report, current, {
      reasons: ["ping timeout"],
      maxDetectionMs: DETECTION_DEADLINE_MS + MARGIN_MS,
    });
  });
});
