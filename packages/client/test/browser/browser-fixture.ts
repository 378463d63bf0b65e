import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { AgentDriver } from "./agent-driver.js";
import { CHROMIUM_PATH, chromiumAvailability, launchChromium } from "../../../testing/src/peers/chromium.js";
import { bundleForBrowser } from "./client-bundle.js";
import { type PageServer, startPageServer } from "./page-server.js";
import { type ReferenceServer, type ReferenceServerOptions, startReferenceServer } from "./reference-server.js";
import { startUpgradeBlockingProxy, type UpgradeBlockingProxy } from "./upgrade-blocking-proxy.js";

/** Whether this machine runs the browser suites: Chromium present, or CI (where its absence must fail). */
export const browserSuitesRun = (() => {
  const { present, required } = chromiumAvailability();
  return present || required;
})();

/** What a browser test gets from {@link useBrowser}. */
export interface BrowserFixture {
  /** A fresh page (own context) with the agent loaded. */
  page(): Promise<AgentDriver>;
  /** The official socket.io server (msgpack), CORS-configured for the page. */
  server(options?: Omit<ReferenceServerOptions, "pageOrigin">): Promise<ReferenceServer>;
  /** A proxy in front of `port` that refuses to forward WebSocket upgrades. */
  proxy(upstreamPort: number): Promise<UpgradeBlockingProxy>;
}

/**
 * Register the hooks of a browser suite: bundle + page server + Chromium
 * once per file, and everything a test opened (pages, servers, proxies)
 * disposed after it, in reverse order.
 *
 * @example
 * ```ts
 * describe.skipIf(!browserSuitesRun)("in Chromium", () => {
 *   const browser = useBrowser();
 *   it("connects", async () => { const page = await browser.page(); ... });
 * });
 * ```
 */
export function useBrowser(): BrowserFixture {
  let chromium: Browser | undefined;
  let pages: PageServer | undefined;
  let disposers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    // Without Chromium (only reached under CI=true) every test fails in page(), each counted as a failure: a failing
    // beforeAll would show the tests as skipped.
    if (!chromiumAvailability().present) return;
    pages = await startPageServer(await bundleForBrowser());
    chromium = await launchChromium();
  }, 30_000);

  afterEach(async () => {
    const pending = disposers.reverse();
    disposers = [];
    for (const dispose of pending) await dispose().catch(() => undefined);
  });

  afterAll(async () => {
    await chromium?.close();
    await pages?.close();
  });

  return {
    async page() {
      if (!chromiumAvailability().present) {
        throw new Error(`Chromium not found at ${CHROMIUM_PATH}; CI=true requires the browser tests (scripts/system-deps.sh)`);
      }
      if (chromium === undefined || pages === undefined) throw new Error("browser fixture not started");
      const driver = await AgentDriver.open(chromium, pages.origin);
      disposers.push(() => driver.dispose());
      return driver;
    },
    async server(options = {}) {
      if (pages === undefined) throw new Error("browser fixture not started");
      const server = await startReferenceServer({ ...options, pageOrigin: pages.origin });
      disposers.push(() => server.close());
      return server;
    },
    async proxy(upstreamPort) {
      const proxy = await startUpgradeBlockingProxy(upstreamPort);
      disposers.push(() => proxy.close());
      return proxy;
    },
  };
}
