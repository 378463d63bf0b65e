import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";

const appRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Throw the global setup's build failure, if any: call it before running `dist/`. */
export function assertBuilt(): void {
  const error = inject("chatBuildError");
  if (error !== undefined) throw new Error(error);
}

/** The built chat server running as a child process (`node dist/server/main.js`). */
export interface ChatProcess {
  readonly port: number;
  readonly url: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when it exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Send a signal (SIGKILL to simulate a crash, SIGTERM for a clean stop) and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * A port that was free a moment ago. The chat is restarted on the same port
 * in the tests, so it cannot be port 0; the race with other processes is
 * accepted (the kernel rarely hands the same ephemeral port out again at once).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Run the built server on `port` and resolve once it printed its URL.
 * Rejects with its output when it exits before that.
 */
export function startChatProcess(port: number, env: Record<string, string> = {}): Promise<ChatProcess> {
  return launch({ PORT: String(port), HOST: "127.0.0.1", ...env }).ready;
}

/** Start the built server with `env` without waiting for anything (for start-up failures). */
export function launch(env: Record<string, string>): { child: ChildProcess; ready: Promise<ChatProcess>; process: ChatProcess } {
  const child = spawn(process.execPath, [join(appRoot, "dist/server/main.js")], {
    cwd: appRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  let port = Number(env.PORT);
  const proc: ChatProcess = {
    get port() {
      return port;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    output: () => output,
    exited,
    kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  const ready = new Promise<ChatProcess>((resolve, reject) => {
    const onData = () => {
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (match === null) return;
      port = Number(match[1]);
      child.stdout!.off("data", onData);
      resolve(proc);
    };
    child.stdout!.on("data", onData);
    void exited.then(({ code, signal }) => reject(new Error(`chat exited (${code ?? signal}) before listening:\n${output}`)));
  });
  // Callers that only watch `exited` (start-up failures) must not leave an unhandled rejection behind.
  ready.catch(() => undefined);
  return { child, ready, process: proc };
}
