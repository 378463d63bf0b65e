/**
 * Process conventions shared by every bench server (BENCH.md): listen address from env `PORT`
 * (required) and `HOST` (default 127.0.0.1), stay in the foreground, exit on SIGTERM.
 */

/** Where a bench server listens. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** Reads `PORT`/`HOST`; a missing or invalid `PORT` ends the process with a clear message (exit 2). */
export function readListenAddress(env: NodeJS.ProcessEnv = process.env): ListenAddress {
  const raw = env.PORT;
  const port = Number(raw);
  if (raw === undefined || raw === "" || !Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`bench server: env PORT must be a TCP port number (got ${JSON.stringify(raw)})`);
    process.exit(2);
  }
  return { host: env.HOST || "127.0.0.1", port };
}

/** Exits the process on SIGTERM/SIGINT after `close` (which must not throw and should be quick). */
export function exitOnSignal(close: () => void): void {
  const stop = (): void => {
    try {
      close();
    } finally {
      process.exit(0);
    }
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

/** Logs the listening line the runner ignores but humans read. */
export function announce(name: string, address: ListenAddress): void {
  console.log(`${name} listening on ${address.host}:${address.port} (pid ${process.pid})`);
}
