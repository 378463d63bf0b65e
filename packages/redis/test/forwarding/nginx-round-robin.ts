import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's `nginx-light` installs the binary (`apt-get install -y nginx-light`). */
export const NGINX_PATH = process.env.NGINX_PATH ?? "/usr/sbin/nginx";

/** True when nginx is installed. Suites skip without it, except under `CI=true`, where they must fail. */
export const hasNginx = existsSync(NGINX_PATH);

/** One line of the access log: which upstream served which request, and how. */
export interface AccessRecord {
  readonly method: string;
  readonly uri: string;
  readonly status: number;
  /** `127.0.0.1:<port>` of the instance nginx picked. */
  readonly upstream: string;
}

/** A running nginx balancing plain round-robin over several upstreams. */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:<port>` of the proxy. */
  readonly origin: string;
  /** The access log so far. */
  accessLog(): Promise<AccessRecord[]>;
  stop(): Promise<void>;
}

/**
 * Start nginx on a free loopback port in front of `upstreams` (`127.0.0.1:<port>`
 * each) with plain round-robin: no `ip_hash`, no `hash`, no cookie, so
 * consecutive requests of one client land on different instances. HTTP/1.1 to
 * the upstreams but no `Upgrade`/`Connection` forwarding, so WebSockets are
 * blocked and clients stay on long-polling. `proxy_next_upstream off`: a failed
 * request is never silently retried on another instance (that would hide loss
 * or duplicate a POST).
 */
export async function startRoundRobin(upstreams: readonly string[]): Promise<RoundRobinProxy> {
  if (!hasNginx) throw new Error(`nginx not found at ${NGINX_PATH}: run apt-get install -y nginx-light`);
  const dir = await mkdtemp(join(tmpdir(), "cometa-nginx-rr-"));
  const port = await freePort();
  const log = join(dir, "access.log");
  const config = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format fwd '$request_method $request_uri $status $upstream_addr';
  access_log ${log} fwd;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream cometa {
${upstreams.map((u) => `    server ${u};`).join("\n")}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://cometa;
      proxy_http_version 1.1;
      proxy_buffering off;
      proxy_read_timeout 60s;
      proxy_next_upstream off;
    }
  }
}
`;
  await writeFile(join(dir, "nginx.conf"), config);
  const child = spawn(NGINX_PATH, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await waitForPort(port, child);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    const errors = await readFile(join(dir, "error.log"), "utf8").catch(() => "");
    await rm(dir, { recursive: true, force: true });
    throw new Error(`nginx did not start: ${(error as Error).message}\n${stderr}${errors}`);
  }
  return {
    origin: `http://127.0.0.1:${port}`,
    async accessLog() {
      const text = await readFile(log, "utf8").catch(() => "");
      return text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => {
          const [method = "", uri = "", status = "0", upstream = ""] = line.split(" ");
          return { method, uri, status: Number(status), upstream };
        });
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A port that was free a moment ago (nginx cannot listen on port 0 and report it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `port` accepts connections; rejects if the process exits or after 5 s. */
async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    // nginx gives no readiness signal but the open port.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`port ${port} not open after 5 s`);
}
