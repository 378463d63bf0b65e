/**
 * Idle memory scenario (BENCH.md): N clients connect and join room `bench`; the figure is the
 * server's RSS growth divided by N. Server CPU per connection (connect + join) is reported too.
 */
import { readProcStats } from "../../proc-stats.js";
import { closeAll, connectMany } from "../connect-many.js";
import { closeWindow, openWindow } from "../measure-window.js";
import { sleep } from "../pause.js";
import type { IdleSpec, PhaseResult } from "../scenario-spec.js";

const CONNECT_LANES = 100;

/** Runs the idle scenario against the server at `url`. */
export async function runIdle(url: string, serverPid: number, spec: IdleSpec): Promise<PhaseResult[]> {
  const rssBefore = readProcStats(serverPid).rssBytes;
  const window = openWindow(serverPid, 0);
  const clients = await connectMany({ url, count: spec.connections, lanes: CONNECT_LANES, room: "bench" });
  // Let the server finish lazy allocations and settle its heap before reading RSS.
  await sleep(spec.settleMs);
  const result = closeWindow(
    window,
    serverPid,
    clients.length,
    { scenario: `idle-${spec.connections}`, phase: "idle", operation: "connection" },
    undefined,
  );
  result.rssPerConnectionBytes = (result.serverRssBytes - rssBefore) / spec.connections;
  await closeAll(clients);
  return [result];
}
