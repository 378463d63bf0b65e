import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Two blank pages on two origins for the browser checks S2/S3: the good one
 * on `http://127.0.0.1:<port>` (the victim's app) and the attacker's on
 * `http://127.0.0.2:<port>`. Different hosts make them different origins
 * *and* different sites, which is what a real CSWSH/CSRF page is. The test
 * runs its attack scripts inside them with `page.evaluate`, so they carry
 * nothing but a title.
 */
export interface OriginPages {
  /** `http://127.0.0.1:<port>`: the origin the Socket.IO server allows. */
  readonly good: string;
  /** `http://127.0.0.2:<port>`: an origin it does not allow. */
  readonly attacker: string;
  close(): Promise<void>;
}

const PAGE = '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>origin page</title></head><body></body></html>';

async function serve(host: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    // Anything else (a form's target frame, say) gets the same blank page.
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(req.method === "GET" ? PAGE : "");
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://${host}:${port}`, server };
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Serve the good and the attacker page on ephemeral loopback ports; `close()` in afterAll. */
export async function startOriginPages(): Promise<OriginPages> {
  const good = await serve("127.0.0.1");
  const attacker = await serve("127.0.0.2");
  return {
    good: good.origin,
    attacker: attacker.origin,
    close: async () => {
      await stop(good.server);
      await stop(attacker.server);
    },
  };
}
