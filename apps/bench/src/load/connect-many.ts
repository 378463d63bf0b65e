/**
 * Opens many benchmark clients with bounded concurrency, optionally joining each to a room
 * (waiting for the `join` ack, as BENCH.md requires before publishing).
 */
import { BenchClient } from "./bench-client.js";

/** How to open a population of clients. */
export interface ConnectManyOptions {
  url: string;
  count: number;
  /** Connections in flight at once. */
  lanes: number;
  /** Room to `join` after connecting; none when undefined. */
  room?: string;
}

/** Opens `count` clients, `lanes` at a time; rejects (after closing what opened) if any fails. */
export async function connectMany(options: ConnectManyOptions): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < options.count) {
      next++;
      const client = new BenchClient(options.url);
      clients.push(client);
      await client.connected;
      if (options.room !== undefined) {
        const [joined] = await client.request("join", options.room);
        if (joined !== true) throw new Error(`join ack was ${JSON.stringify(joined)}, expected true`);
      }
    }
  };
  const lanes = Array.from({ length: Math.min(options.lanes, options.count) }, lane);
  try {
    await Promise.all(lanes);
  } catch (error) {
    for (const client of clients) client.terminate();
    throw error;
  }
  return clients;
}

/** Terminates every client and waits until all sockets are closed. */
export async function closeAll(clients: readonly BenchClient[]): Promise<void> {
  for (const client of clients) client.terminate();
  await Promise.all(clients.map((client) => client.closed));
}

/** Retries a full Socket.IO connect until it succeeds (BENCH.md readiness), up to `timeoutMs`. */
export async function waitUntilReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new BenchClient(url);
    try {
      await client.connected;
      client.close();
      await client.closed;
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`server not ready after ${timeoutMs} ms: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
