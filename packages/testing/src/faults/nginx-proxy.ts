import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

/** Debian's `nginx-light` binary (override with `NGINX_PATH`). */
export const NGINX_PATH = process.env.NGINX_PATH ?? "/usr/sbin/nginx";

/** Options of {@link NginxProxy.start}. */
export interface NginxProxyOptions {
  /** `http://host:port` of the upstream. */
  readonly upstream: string;
  /** `proxy_read_timeout` in ms: nginx closes a proxied connection (or answers 504) after this long without upstream data. */
  readonly readTimeoutMs: number;
}

/**
 * nginx as a reverse proxy that forwards WebSocket upgrades, with a chosen
 * `proxy_read_timeout` (F11, proxy idle timeout). One foreground process,
 * config in a fresh temp dir; `stop()` removes both.
 *
 * @example
 * ```ts
 * const proxy = await NginxProxy.start({ upstream: node.url, readTimeoutMs: 2000 });
 * connect(proxy.url);
 * await proxy.stop();
 * ```
 */
export class NginxProxy {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    private readonly exited: Promise<void>,
  ) {}

  static async start(options: NginxProxyOptions): Promise<NginxProxy> {
    if (!existsSync(NGINX_PATH)) throw new Error(`nginx not found at ${NGINX_PATH}: run scripts/system-deps.sh`);
    const dir = await mkdtemp(join(tmpdir(), "cometa-faults-nginx-"));
    const port = await freePort();
    const config = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 1024; }
http {
  log_format status '$status $request_uri';
  access_log ${dir}/access.log status;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${options.upstream};
      proxy_buffering off;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout ${options.readTimeoutMs}ms;
    }
  }
}
`;
    await writeFile(join(dir, "nginx.conf"), config);
    const child = spawn(NGINX_PATH, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], { stdio: "ignore" });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const proxy = new NginxProxy(child, dir, port, exited);
    try {
      await proxy.awaitPort();
    } catch (error) {
      const log = await readFile(join(dir, "error.log"), "utf8").catch(() => "");
      await proxy.stop();
      throw new Error(`nginx did not start: ${(error as Error).message}\n${log}`);
    }
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Requests nginx answered 504 Gateway Timeout (from its access log). */
  async gatewayTimeouts(): Promise<number> {
    const log = await readFile(join(this.dir, "access.log"), "utf8").catch(() => "");
    return log.split("\n").filter((line) => line.startsWith("504 ")).length;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    await this.exited;
    await rm(this.dir, { recursive: true, force: true });
  }

  private async awaitPort(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (this.child.exitCode !== null) throw new Error(`exited with code ${this.child.exitCode}`);
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, "127.0.0.1");
        socket.once("connect", () => {
          socket.destroy();
          resolve(true);
        });
        socket.once("error", () => resolve(false));
      });
      if (open) return;
      // nginx cannot report readiness: poll its port.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`port ${this.port} not open after 5 s`);
  }
}
