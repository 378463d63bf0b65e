/**
 * A client fleet process of the load harness, started by the runner with
 * `LoadProcess.start("load-client-main", {})`. Several of these carry
 * thousands of sockets (one process holds about 19 k under `ulimit -n` 20 000).
 * Commands: `connect`, `report`, `acks`, `churn`, `close` (see load-client-protocol.ts).
 */
import { ClientFleet } from "./client-fleet.js";
import { serveCommands } from "./ipc-commands.js";
import type { AckArgs, ChurnArgs, ConnectArgs, ReportArgs } from "./load-client-protocol.js";

const fleet = new ClientFleet();

serveCommands(
  {
    connect: (message) => fleet.connect(message as unknown as ConnectArgs),
    report: (message) => fleet.report(message as unknown as ReportArgs),
    acks: (message) => fleet.acks(message as unknown as AckArgs),
    churn: (message) => fleet.churn(message as unknown as ChurnArgs),
    close: () => fleet.close(),
  },
  {},
  async () => fleet.close(),
);
