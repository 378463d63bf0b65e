/**
 * Idle memory scenario (BENCH.md): N clients connect and join room `bench`; the figure is the
 * server's RSS growth divided by N. Server CPU per connection (connect + join) is reported too.
 */
import { closeAll, connectMany } from "../connect-many.js";
import { closeWindow, openWindow, readServers } from "../measure-window.js";
import { sleep } from "../pause.js";
import type { GeneratorTarget, IdleSpec, PhaseResult } from "../scenario-spec.js";

const CONNECT_LANES = 100;

/** Runs the idle scenario against the first server of `target`. */
export async function runIdle(target: GeneratorTarget, spec: IdleSpec): Promise<PhaseResult[]> {
  const rssBefore = readServers(target).rssBytes;
  const window = openWindow(target, 0);
  const clients = await connectMany({ url: target.urls[0]!, count: spec.connections, lanes: CONNECT_LANES, room: "bench" });
  // Let the server finish lazy allocations and settle its heap before reading RSS.
  await sleep(spec.settleMs);
  const result = closeWindow(
    window,
    target,
    clients.length,
    { scenario: `idle-${spec.connections}`, phase: "idle", operation: "connection" },
    undefined,
  );
  result.rssPerConnectionBytes = (result.serverRssBytes - rssBefore) / spec.connections;
  await closeAll(clients);
  return [result];
}
