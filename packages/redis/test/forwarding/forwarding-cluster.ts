import { type ChildProcess, fork } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { NodeCommand, NodeReport } from "./forwarding-node.js";

const NODE_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), "forwarding-node.ts");

/** Children still running: killed when the test process exits, whatever happened. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Settings every instance gets. */
export interface ClusterOptions {
  readonly redisUrl: string;
  readonly pingInterval: number;
  readonly pingTimeout: number;
  /** Period of each socket's server → client `tick` stream, ms. */
  readonly tickMs: number;
}

/** One instance: its port (for the balancer), node id, and IPC. */
export interface ClusterNode {
  readonly port: number;
  readonly nodeId: string;
  report(): Promise<NodeReport>;
  stop(): Promise<void>;
}

/** Start `count` Cometa instances in child processes, each with a Redis session router. */
export async function startCluster(count: number, options: ClusterOptions): Promise<ClusterNode[]> {
  const nodes: ClusterNode[] = [];
  try {
    for (let i = 0; i < count; i++) nodes.push(await startNode(options));
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw error;
  }
  return nodes;
}

async function startNode(options: ClusterOptions): Promise<ClusterNode> {
  const child = fork(NODE_SCRIPT, [], {
    // TypeScript sources of the workspace packages, loaded through tsx.
    execArgv: ["--import", "tsx", "--conditions", "source"],
    env: {
      ...process.env,
      REDIS_URL: options.redisUrl,
      PING_INTERVAL: String(options.pingInterval),
      PING_TIMEOUT: String(options.pingTimeout),
      TICK_MS: String(options.tickMs),
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  running.add(child);
  const exited = new Promise<void>((done) =>
    child.once("exit", () => {
      running.delete(child);
      done();
    }),
  );
  const listening = await new Promise<{ port: number; nodeId: string }>((resolve, reject) => {
    child.once("exit", (code, signal) => reject(new Error(`forwarding node exited at start (${code ?? signal})`)));
    child.once("message", (message: { type: string; port: number; nodeId: string }) => resolve(message));
  });
  return {
    port: listening.port,
    nodeId: listening.nodeId,
    report: () =>
      new Promise<NodeReport>((resolve, reject) => {
        child.once("message", (message: NodeReport) => resolve(message));
        child.once("exit", () => reject(new Error("forwarding node exited before reporting")));
        send(child, { type: "report" });
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        send(child, { type: "stop" });
        // A node that cannot shut down within 5 s is killed: the test must not hang on it.
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

function send(child: ChildProcess, command: NodeCommand): void {
  if (child.connected) child.send(command);
}
