import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (scripts/system-deps.sh installs it); `CHROMIUM_PATH` overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Flags for a headless Chromium on a machine with a closed network: without
 * the background-networking ones Chromium keeps calling Google's hosts, and
 * root (as in CI containers) needs `--no-sandbox`.
 */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** Locally a missing Chromium skips the browser tests; under `CI=true` it fails them. */
export const browserTestsRun = existsSync(CHROMIUM_PATH) || process.env.CI === "true";

/**
 * Launch headless Chromium through playwright-core (the system browser, no download).
 *
 * @throws Error when Chromium is missing (reached only under `CI=true`, where that must fail).
 */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}; CI=true requires the browser tests (scripts/system-deps.sh installs it)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, timeout: 20_000 });
}
