/**
 * Process plumbing the runner shares between server, Redis and generator processes: free loopback
 * ports, the tail of a child's output for error messages, and SIGTERM-then-SIGKILL shutdown.
 */
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

/** Every process of a session listens on loopback only. */
export const HOST = "127.0.0.1";
/** BENCH.md: a server gets SIGTERM, then SIGKILL after 3 s. */
const KILL_AFTER_MS = 3000;
/** How much of a child's output is kept for error messages. */
const TAIL_CHARS = 4096;

/** Thrown when a session fails: server or Redis crash, generator error or timeout. */
export class SessionError extends Error {
  readonly code = "BENCH_SESSION_FAILED";
}

/** A TCP port that was free on {@link HOST} a moment ago (bound, then released). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, HOST);
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === "string") throw new SessionError("no free port");
  return address.port;
}

/** Keeps the last few KiB `child` wrote to stdout and stderr; call the result to read them. */
export function outputTail(child: ChildProcess): () => string {
  let text = "";
  const keep = (chunk: Buffer): void => {
    text = (text + chunk.toString("utf8")).slice(-TAIL_CHARS);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => text.trim();
}

/** Whether `child` has already exited. */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL if `child` is still there after 3 s; resolves once it exited. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
  await exited;
  clearTimeout(timer);
}
