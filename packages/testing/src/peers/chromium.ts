import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (`scripts/system-deps.sh` installs it); `CHROMIUM_PATH` overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Flags for a headless Chromium on a machine with a closed network: without
 * the background-networking ones Chromium keeps calling Google's hosts, and
 * root (as in CI containers) needs `--no-sandbox`.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** Whether the browser tests can run, and whether they must. */
export interface ChromiumAvailability {
  readonly present: boolean;
  /** Under `CI=true` a missing Chromium is a failure, not a skip. */
  readonly required: boolean;
}

/** Check for the Chromium binary (locally its absence skips the browser tests). */
export function chromiumAvailability(): ChromiumAvailability {
  return { present: existsSync(CHROMIUM_PATH), required: process.env.CI === "true" };
}

/** Whether browser suites run: Chromium is there, or `CI=true` demands it (then {@link launchChromium} fails them). */
export const browserTestsRun = chromiumAvailability().present || process.env.CI === "true";

/** Options of {@link launchChromium}. */
export interface ChromiumOptions {
  /** Extra command-line flags after {@link CHROMIUM_FLAGS}. */
  readonly args?: readonly string[];
  /** Launch timeout, ms. Default 20 000 (a loaded 2-core machine). */
  readonly timeoutMs?: number;
}

/**
 * Launch headless Chromium through playwright-core: the system browser by
 * path, never a downloaded one.
 *
 * @throws Error when Chromium is missing (reached only when a suite must run, e.g. under `CI=true`).
 * @example
 * ```ts
 * const browser = await launchChromium();
 * try { const page = await browser.newPage(); } finally { await browser.close(); }
 * ```
 */
export function launchChromium(options: ChromiumOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    return Promise.reject(
      new Error(`Chromium not found at ${CHROMIUM_PATH}; CI=true requires the browser tests (scripts/system-deps.sh installs it)`),
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(options.args ?? [])],
    timeout: options.timeoutMs ?? 20_000,
  });
}
