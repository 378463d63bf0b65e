import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's `nginx-light` installs the binary (`apt-get install -y nginx-light`). */
export const NGINX_PATH = process.env.NGINX_PATH ?? "/usr/sbin/nginx";

/** True when nginx is installed. Tests skip without it, except under `CI=true`, where they must fail. */
export const hasNginx = existsSync(NGINX_PATH);

/** A running nginx reverse proxy on loopback. */
export interface NginxProxy {
  /** `http://127.0.0.1:<port>` of the proxy. */
  readonly origin: string;
  stop(): Promise<void>;
}

/** Proxy options. */
export interface NginxOptions {
  /** `http://127.0.0.1:<port>` of the upstream server. */
  readonly upstream: string;
  /**
   * Forward `Upgrade`/`Connection` (HTTP/1.1 to the upstream), so WebSockets pass. Without it nginx is a plain
   * HTTP/1.0 proxy, like many corporate proxies and default configs: WebSocket handshakes reach the server as
   * plain GETs and fail, while long-polling works.
   */
  readonly forwardUpgrade: boolean;
}

/** Starts nginx on a free loopback port with a config in a fresh temp dir; `stop()` kills it and removes the dir. */
export async function startNginx({ upstream, forwardUpgrade }: NginxOptions): Promise<NginxProxy> {
  if (!hasNginx) throw new Error(`nginx not found at ${NGINX_PATH}: run apt-get install -y nginx-light`);
  const dir = await mkdtemp(join(tmpdir(), "cometa-nginx-"));
  const port = await freePort();
  const upgrade = forwardUpgrade
    ? `proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";`
    : "";
  const config = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass ${upstream};
      proxy_buffering off;
      proxy_read_timeout 60s;
      ${upgrade}
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
    const log = await readFile(join(dir, "error.log"), "utf8").catch(() => "");
    await rm(dir, { recursive: true, force: true });
    throw new Error(`nginx did not start: ${(error as Error).message}\n${stderr}${log}`);
  }
  return {
    origin: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A port that was free a moment ago (the OS picks it; nginx cannot listen on port 0 and report it). */
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
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`port ${port} not open after 5 s`);
}
