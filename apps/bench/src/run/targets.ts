/**
 * The servers a run can measure. Each is one Node script under `dist/` implementing BENCH.md.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Target names, in table order. */
export const TARGET_NAMES = ["bare-uws", "cometa", "socketio-uws", "socketio-ws"] as const;

/** One of the measurable servers. */
export type TargetName = (typeof TARGET_NAMES)[number];

/** How to start a target. */
export interface Target {
  name: TargetName;
  /** Human label for tables and charts. */
  label: string;
  /** Absolute path of the server script. */
  script: string;
  /**
   * Whether the server switches to a Redis adapter when env `REDIS_URL` is set, so several instances
   * share rooms (the `cluster-fanout` scenario): Cometa with `@cometa/redis`, Socket.IO on uWS with
   * `@socket.io/redis-adapter`.
   */
  redis: boolean;
}

const scriptExtension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";

function script(relative: string): string {
  return fileURLToPath(new URL(`../${relative}${scriptExtension}`, import.meta.url));
}

const TARGETS: Record<TargetName, Target> = {
  "bare-uws": { name: "bare-uws", label: "bare uWS (ceiling)", script: script("servers/bare-uws"), redis: false },
  cometa: { name: "cometa", label: "Cometa", script: script("server"), redis: true },
  "socketio-uws": {
    name: "socketio-uws",
    label: "Socket.IO on uWS",
    script: script("servers/socketio-uws"),
    redis: true,
  },
  // Its server reads REDIS_URL too (shared Socket.IO setup), but the issue compares on uWS only.
  "socketio-ws": { name: "socketio-ws", label: "Socket.IO on ws", script: script("servers/socketio-ws"), redis: false },
};

/** Whether `name` is a known target. */
export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}

/** The target record for `name`. */
export function target(name: TargetName): Target {
  return TARGETS[name];
}

/**
 * Why Cometa cannot be measured right now, or undefined when it can: its bench server needs
 * `@cometa/server` to load and export `createServer`.
 */
export async function cometaUnavailableReason(): Promise<string | undefined> {
  if (!existsSync(TARGETS.cometa.script)) return `${TARGETS.cometa.script} is missing (build apps/bench)`;
  try {
    const server = (await import("@cometa/server")) as { createServer?: unknown };
    if (typeof server.createServer !== "function") return "@cometa/server does not export createServer yet";
    return undefined;
  } catch (error) {
    return `@cometa/server does not load (${error instanceof Error ? error.message : String(error)}); build it first`;
  }
}
