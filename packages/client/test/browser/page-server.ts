import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AGENT_BUNDLE_PATH, type BrowserBundles, CLIENT_BUNDLE_PATH } from "./client-bundle.js";

/** The static server the test page comes from. */
export interface PageServer {
  /** `http://127.0.0.1:<port>`: the page's origin (a different origin from any Socket.IO server). */
  readonly origin: string;
  close(): Promise<void>;
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>cometa browser test</title></head>
<body><script type="module" src="${AGENT_BUNDLE_PATH}"></script></body></html>`;

/**
 * Serve the test page, the client bundle and the page agent on an ephemeral
 * loopback port. The page has nothing else: the agent waits to be driven.
 *
 * @example
 * ```ts
 * const pages = await startPageServer(await bundleForBrowser());
 * await page.goto(pages.origin);
 * ```
 */
export async function startPageServer(bundles: BrowserBundles): Promise<PageServer> {
  const files = new Map<string, { type: string; body: string }>([
    ["/", { type: "text/html; charset=utf-8", body: PAGE }],
    [CLIENT_BUNDLE_PATH, { type: "text/javascript; charset=utf-8", body: bundles.client }],
    [AGENT_BUNDLE_PATH, { type: "text/javascript; charset=utf-8", body: bundles.agent }],
  ]);
  const http = createServer((req, res) => {
    const file = files.get(new URL(req.url ?? "/", "http://x").pathname);
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(file.body);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
