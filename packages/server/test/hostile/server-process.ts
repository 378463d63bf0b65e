import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** What the server reports about itself (`fixtures/hostile-server.ts`). */
export interface ServerStats {
  readonly clients: number;
  readonly rss: number;
  readonly heapUsed: number;
  /** Longest event-loop stall since the previous `stats`, ms. */
  readonly loopMaxMs: number;
  readonly verifierCalls: number;
  readonly reservedDispatched: number;
  readonly handlerErrors: number;
  readonly failedLogins: number;
  readonly throttled: number;
}

/**
 * The server under test, in a child process of its own: a crash is an exit,
 * not a thrown error in the test runner, and RSS is the server's alone
 * (`/proc/<pid>/status` VmRSS). Dispose with `close()` in afterAll.
 */
export interface HostileServer {
  readonly port: number;
  readonly pid: number;
  /** `http://127.0.0.1:<port>/socket.io/?<query>` */
  url(query: string): string;
  /** True while the process runs. */
  alive(): boolean;
  /** Exit code or signal once it died, for the failure message. */
  readonly exit: string | null;
  /** VmRSS in bytes, read from /proc. */
  rss(): number;
  /** Open file descriptors (sockets included). */
  fdCount(): number;
  /** Ask the server for its counters (`gc` runs a full GC first). */
  stats(cmd?: "stats" | "gc"): Promise<ServerStats>;
  /** Revoke a token id: its sockets are disconnected, later logins refused. */
  revoke(jti: string): Promise<void>;
  /** Everything the server printed (stdout + stderr). */
  logs(): string;
  close(): Promise<void>;
}

const FIXTURE = fileURLToPath(new URL("./fixtures/hostile-server.ts", import.meta.url));

/** Start `fixtures/hostile-server.ts` with option overrides (JSON-serialisable server options). */
export async function startHostileServer(overrides: Record<string, unknown> = {}): Promise<HostileServer> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "--conditions", "source", FIXTURE],
    { env: { ...process.env, HOSTILE_OPTIONS: JSON.stringify(overrides) }, stdio: ["pipe", "pipe", "pipe"] },
  );
  let output = "";
  let exit: string | null = null;
  let pending = "";
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  child.stdout.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    pending += text;
    let nl = pending.indexOf("\n");
    while (nl !== -1) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.startsWith("{")) lines.push(JSON.parse(line) as Record<string, unknown>);
      nl = pending.indexOf("\n");
    }
    wake();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.on("exit", (code, signal) => {
    exit = signal ?? `exit ${code}`;
    wake();
  });
  const take = async (match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> => {
    for (;;) {
      const index = lines.findIndex(match);
      if (index !== -1) return lines.splice(index, 1)[0]!;
      if (exit !== null) throw new Error(`hostile server died (${exit}):\n${output.slice(-2000)}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const { port } = (await take((l) => typeof l.port === "number")) as { port: number };
  let nextId = 0;
  const call = async (cmd: string, extra: Record<string, unknown> = {}) => {
    const id = ++nextId;
    child.stdin.write(`${JSON.stringify({ id, cmd, ...extra })}\n`);
    return take((l) => l.id === id);
  };
  const pid = child.pid!;
  return {
    port,
    pid,
    url: (query) => `http://127.0.0.1:${port}/socket.io/?${query}`,
    alive: () => exit === null,
    get exit() {
      return exit;
    },
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024,
    fdCount: () => readdirSync(`/proc/${pid}/fd`).length,
    stats: async (cmd = "stats") => (await call(cmd)) as unknown as ServerStats,
    revoke: async (jti) => {
      await call("revoke", { jti });
    },
    logs: () => output,
    close: async () => {
      if (exit !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
