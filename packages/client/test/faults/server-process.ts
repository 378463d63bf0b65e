import { ChildServer } from "../../../testing/src/peers/child-server.js";

/** A fact the server process reported (see `reference-server-child.mjs`). */
export type ServerFact =
  | { readonly type: "listening"; readonly port: number; readonly pid: number }
  | { readonly type: "connection"; readonly id: string }
  | { readonly type: "disconnect"; readonly id: string; readonly reason: string }
  | { readonly type: "seq"; readonly id: string; readonly n: number }
  | { readonly type: "double"; readonly id: string; readonly n: number };

/** Heartbeat and stream settings of the server process. */
export interface ServerProcessOptions {
  readonly pingInterval: number;
  readonly pingTimeout: number;
  /** Period of the server → client `tick` stream, ms. */
  readonly tickMs?: number;
}

/**
 * The official socket.io server (`reference-server-child.mjs`) in a child
 * process, through `@cometa/testing`'s shared launcher ({@link ChildServer}:
 * `start()` again restarts on the same port, `kill()`, `stop()`/`resume()`
 * freeze and thaw). Adds the namespace sockets alive on the server.
 *
 * @example
 * ```ts
 * const server = new ServerProcess({ pingInterval: 300, pingTimeout: 300 });
 * await server.start();
 * await server.kill();
 * await server.start(); // same port
 * ```
 */
export class ServerProcess extends ChildServer<ServerFact> {
  /** Namespace socket ids connected right now, as last reported. */
  readonly live = new Set<string>();

  constructor(options: ServerProcessOptions) {
    super({
      name: "reference server",
      script: new URL("./reference-server-child.mjs", import.meta.url),
      env: (port) => ({
        PORT: String(port),
        PING_INTERVAL: String(options.pingInterval),
        PING_TIMEOUT: String(options.pingTimeout),
        TICK_MS: String(options.tickMs ?? 10),
      }),
    });
    this.onMessage((fact) => {
      if (fact.type === "connection") this.live.add(fact.id);
      if (fact.type === "disconnect") this.live.delete(fact.id);
    });
    // Nobody is left to report the disconnects of a dead server.
    this.onExit(() => this.live.clear());
  }

  /** `http://127.0.0.1:<port>` of the current (or last) incarnation. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Observe every fact; returns an unsubscribe function. */
  onFact(listener: (fact: ServerFact) => void): () => void {
    return this.onMessage(listener);
  }

  /** SIGSTOP: the process freezes; the kernel still accepts connections and buffers data for it. */
  stop(): void {
    this.freeze();
  }

  /** SIGCONT after {@link stop}. */
  resume(): void {
    this.thaw();
  }
}
