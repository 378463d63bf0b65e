import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../faults/free-port.js";
import { awaitPort } from "./await-port.js";

/** Where Debian's `nginx-light` installs the binary (`scripts/system-deps.sh`); `NGINX_PATH` overrides. */
export const NGINX_PATH = process.env.NGINX_PATH ?? "/usr/sbin/nginx";

/** True when nginx is installed. Suites skip without it, except under `CI=true`, where {@link startNginx} fails them. */
export const hasNginx = existsSync(NGINX_PATH);

/** Options of {@link startNginx}. */
export interface NginxOptions {
  /**
   * Upstream servers, `host:port` or `http://host:port`. Several: plain
   * round-robin (no `ip_hash`, `hash` or cookie), so consecutive requests of
   * one client land on different instances (no sticky sessions, F16).
   */
  readonly upstreams: readonly string[];
  /**
   * Forward `Upgrade`/`Connection`, so WebSockets pass. Off: nginx drops the
   * hop-by-hop upgrade headers, the WebSocket handshake reaches the server as
   * a plain GET and fails, while long-polling works (F10, corporate proxies).
   * Default true.
   */
  readonly forwardUpgrade?: boolean;
  /** `proxy_read_timeout`, ms: nginx closes a proxied connection (or answers 504) after this long without upstream data (F11). Default 60 000. */
  readonly readTimeoutMs?: number;
  /** `proxy_http_version`; `"1.0"` is the plain proxy of many default configs. Default `"1.1"`. */
  readonly httpVersion?: "1.0" | "1.1";
  /**
   * How nginx picks an upstream: `"round-robin"` (the default: no stickiness) or `"ip-hash"` (`ip_hash`: sticky
   * per client address, the nginx equivalent of haproxy's `balance source`).
   */
  readonly balance?: "round-robin" | "ip-hash";
}

/** One line of the access log: which upstream served which request, and how. */
export interface AccessRecord {
  readonly method: string;
  readonly uri: string;
  readonly status: number;
  /** `host:port` of the instance nginx picked. */
  readonly upstream: string;
}

/** A running nginx reverse proxy on loopback. */
export interface NginxProxy {
  /** `http://127.0.0.1:<port>` of the proxy. */
  readonly origin: string;
  readonly port: number;
  /** The access log so far. */
  accessLog(): Promise<AccessRecord[]>;
  /** Requests nginx answered 504 Gateway Timeout. */
  gatewayTimeouts(): Promise<number>;
  /** Stop nginx and remove its temp dir (idempotent). */
  stop(): Promise<void>;
}

/**
 * Start nginx on a free loopback port with its config in a fresh temp dir:
 * one foreground process, no master, access log parsed by
 * {@link NginxProxy.accessLog}. `proxy_next_upstream off`: a failed request
 * is never silently retried on another instance (that would hide loss or
 * duplicate a POST).
 *
 * @throws Error when nginx is missing or does not start (the suite fails, it never skips under `CI=true`).
 * @example
 * ```ts
 * const proxy = await startNginx({ upstreams: [server.origin], forwardUpgrade: false });
 * const socket = connect(proxy.origin); // stays on long-polling
 * await proxy.stop();
 * ```
 */
export async function startNginx(options: NginxOptions): Promise<NginxProxy> {
  if (!hasNginx) throw new Error(`nginx not found at ${NGINX_PATH}: run scripts/system-deps.sh (apt-get install -y nginx-light)`);
  if (options.upstreams.length === 0) throw new Error("startNginx: at least one upstream");
  const dir = await mkdtemp(join(tmpdir(), "cometa-nginx-"));
  const port = await freePort();
  const log = join(dir, "access.log");
  await writeFile(join(dir, "nginx.conf"), nginxConfig(dir, port, options));
  const child = spawn(NGINX_PATH, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await awaitPort(port, () => child.exitCode);
  } catch (error) {
    const errors = await readFile(join(dir, "error.log"), "utf8").catch(() => "");
    await stop();
    throw new Error(`nginx did not start: ${(error as Error).message}\n${stderr}${errors}`);
  }
  const accessLog = async (): Promise<AccessRecord[]> => {
    const text = await readFile(log, "utf8").catch(() => "");
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => {
        const [method = "", uri = "", status = "0", upstream = ""] = line.split(" ");
        return { method, uri, status: Number(status), upstream };
      });
  };
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    accessLog,
    gatewayTimeouts: async () => (await accessLog()).filter((record) => record.status === 504).length,
    stop,
  };
}

function nginxConfig(dir: string, port: number, options: NginxOptions): string {
  const servers = options.upstreams.map((u) => `    server ${u.replace(/^https?:\/\//, "")};`).join("\n");
  const upgrade =
    (options.forwardUpgrade ?? true)
      ? `proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";`
      : "";
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format cometa '$request_method $request_uri $status $upstream_addr';
  access_log ${dir}/access.log cometa;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream cometa {
${options.balance === "ip-hash" ? "    ip_hash;\n" : ""}${servers}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://cometa;
      proxy_buffering off;
      proxy_http_version ${options.httpVersion ?? "1.1"};
      proxy_read_timeout ${options.readTimeoutMs ?? 60_000}ms;
      proxy_next_upstream off;
      ${upgrade}
    }
  }
}
`;
}
