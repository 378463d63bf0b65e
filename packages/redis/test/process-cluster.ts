/**
 * Cometa servers in child processes (`test/fixtures/cluster-node.ts`), driven
 * over IPC. Each child runs TypeScript sources through tsx with the `source`
 * export condition, like the tests themselves.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./fixtures/cluster-node.ts", import.meta.url));

/** A server process. */
export interface ServerProcess {
  readonly name: string;
  readonly port: number;
  /** The node uid of its root namespace adapter. */
  readonly uid: string;
  readonly child: ChildProcess;
  /** Run a command in the child (see cluster-node.ts) and resolve with its result. */
  call<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  /** `kill -9`, resolves once exited. */
  kill(): Promise<void>;
  /** Close the server gracefully, then end the process. */
  stop(): Promise<void>;
}

/** Other fixtures than the default `cluster-node.ts`, and extra environment for them. */
export interface ServerProcessOptions {
  /** Fixture file name in `test/fixtures/`. Default `cluster-node.ts`. */
  readonly fixture?: string;
  readonly env?: Record<string, string>;
}

/** Start a server process on Redis `redisUrl`; resolves once it listens. */
export async function startServerProcess(
  name: string,
  redisUrl: string,
  heartbeatInterval = 300,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const script = options.fixture === undefined ? SCRIPT : fileURLToPath(new URL(`./fixtures/${options.fixture}`, import.meta.url));
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", script], {
    env: { ...process.env, ...options.env, REDIS_URL: redisUrl, NODE_NAME: name, HEARTBEAT_INTERVAL: String(heartbeatInterval) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const listening = new Promise<{ port: number; uid: string }>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${name} exited early (${code})`)));
    child.on("message", (message: { type?: string; id?: number; result?: unknown; error?: string; port?: number; uid?: string }) => {
      if (message.type === "listening") {
        resolve({ port: message.port!, uid: message.uid! });
        return;
      }
      const entry = waiting.get(message.id!);
      if (entry === undefined) return;
      waiting.delete(message.id!);
      if (message.error !== undefined) entry.reject(new Error(message.error));
      else entry.resolve(message.result);
    });
  });
  child.once("exit", () => {
    for (const entry of waiting.values()) entry.reject(new Error(`${name} exited`));
    waiting.clear();
  });
  const { port, uid } = await listening;
  return {
    name,
    port,
    uid,
    child,
    call: <T>(cmd: string, args: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, ...args });
      }),
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await Promise.race([
        new Promise<void>((resolve) => {
          const id = nextId++;
          waiting.set(id, { resolve: () => resolve(), reject: () => resolve() });
          child.send({ id, cmd: "close" });
        }),
        new Promise<void>((resolve) => setTimeout(resolve, 3000)),
      ]);
      child.kill("SIGTERM");
      await exited;
    },
  };
}
