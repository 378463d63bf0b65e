import { createServer, type IncomingHttpHeaders, type IncomingMessage, request } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A reverse proxy that forwards plain HTTP but never a WebSocket upgrade. */
export interface UpgradeBlockingProxy {
  /** `http://127.0.0.1:<port>`: point the client here. */
  readonly origin: string;
  /** Upgrade requests that were turned into plain requests. */
  readonly blockedUpgrades: number;
  close(): Promise<void>;
}

/** Hop-by-hop headers a plain HTTP/1.0 proxy drops (nginx without `proxy_set_header Upgrade`). */
const HOP_BY_HOP = new Set(["connection", "upgrade", "keep-alive", "proxy-connection", "transfer-encoding"]);

/**
 * Behaves like nginx configured as a plain reverse proxy (RELIABILITY.md
 * §2.5): requests are forwarded, but the `Upgrade`/`Connection` headers are
 * not, so a WebSocket handshake reaches the server as a plain GET and the
 * server's answer (socket.io: 400 `{"code":3,"message":"Bad request"}`) goes
 * back to the browser, whose WebSocket then fails.
 *
 * @example
 * ```ts
 * const proxy = await startUpgradeBlockingProxy(server.port);
 * agent.open(proxy.origin);  // ends up on long-polling
 * ```
 */
export async function startUpgradeBlockingProxy(upstreamPort: number): Promise<UpgradeBlockingProxy> {
  let blockedUpgrades = 0;
  const forward = (req: IncomingMessage, onResponse: (res: IncomingMessage) => void, onError: () => void): void => {
    const upstream = request(
      { host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: withoutHopByHop(req.headers) },
      onResponse,
    );
    upstream.on("error", onError);
    req.pipe(upstream);
  };
  const http = createServer((req, res) => {
    forward(
      req,
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, withoutHopByHop(upstreamRes.headers));
        upstreamRes.pipe(res);
      },
      () => res.writeHead(502).end(),
    );
  });
  http.on("upgrade", (req: IncomingMessage, socket: Socket) => {
    blockedUpgrades += 1;
    socket.on("error", () => socket.destroy());
    forward(
      req,
      (upstreamRes) => writeRawResponse(socket, upstreamRes),
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get blockedUpgrades() {
      return blockedUpgrades;
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

/** On an upgrade the socket is raw TCP: write the upstream's status line, headers and body by hand, then close. */
function writeRawResponse(socket: Socket, res: IncomingMessage): void {
  const chunks: Buffer[] = [];
  res.on("data", (chunk: Buffer) => chunks.push(chunk));
  res.on("end", () => {
    const body = Buffer.concat(chunks);
    const headers = Object.entries(withoutHopByHop(res.headers))
      .filter(([name]) => name !== "content-length")
      .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(", ") : String(value)}\r\n`)
      .join("");
    socket.end(
      Buffer.concat([
        Buffer.from(
          `HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ""}\r\n${headers}content-length: ${body.length}\r\nconnection: close\r\n\r\n`,
        ),
        body,
      ]),
    );
  });
}
