import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (scripts/system-deps.sh installs it); `CHROMIUM_PATH` overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Flags for a headless Chromium on a machine with a closed network: without
 * the background-networking ones Chromium keeps trying Google's hosts, and
 * root (as in CI containers) needs `--no-sandbox`.
 */
export const CHROMIUM_FLAGS = [
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

/**
 * Launch headless Chromium through playwright-core (no downloaded browser:
 * the system one, by path).
 *
 * @example
 * ```ts
 * const browser = await launchChromium();
 * try { ... } finally { await browser.close(); }
 * ```
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS, timeout: 15_000 });
}
