import { createRequire } from "node:module";
import { CometaError } from "@cometa/protocol";
import type * as uWS from "uWebSockets.js";

/** The uWebSockets.js module as loaded. */
export type UwsModule = typeof uWS;

/** Options of `loadUws`. */
export interface LoadUwsOptions {
  /**
   * Accept the package's pure-JS fallback (slow, incomplete; for tests on
   * unsupported platforms only). Also enabled by the environment variable
   * `COMETA_UWS_ALLOW_FALLBACK=1`. Default false.
   */
  readonly allowFallback?: boolean;
}

/** Thrown when only the slow pure-JS emulation of uWebSockets.js could be loaded. */
export class UwsNativeMissingError extends CometaError<"UWS_NATIVE_MISSING"> {
  constructor(message: string, cause?: unknown) {
    super("UWS_NATIVE_MISSING", message, { cause });
  }
}

/** The variable that allows the fallback. */
export const ALLOW_FALLBACK_ENV = "COMETA_UWS_ALLOW_FALLBACK";

let cached: { module: UwsModule; native: boolean; notes: string } | undefined;
let fallbackWarned = false;

/**
 * True when `mod` is the native uWebSockets.js addon. The
 * `@trufflesuite/uws-js-unofficial` build silently swaps in a pure-JS
 * emulation (`dist/index.js`) when its binary does not load; that emulation
 * has no `SSLApp` and no `getParts`.
 */
export function isNativeUws(mod: unknown): boolean {
  const m = mod as Partial<Record<string, unknown>> | null;
  return typeof m?.App === "function" && typeof m.SSLApp === "function" && typeof m.getParts === "function";
}

/**
 * Load uWebSockets.js and make sure it is the native build.
 *
 * Throws `UwsNativeMissingError` (code `UWS_NATIVE_MISSING`) when the
 * package fell back to its pure-JS emulation (binary missing for this
 * platform / Node ABI / glibc, or `UWS_USE_FALLBACK` set), unless the
 * fallback is allowed by `allowFallback` or `COMETA_UWS_ALLOW_FALLBACK=1`.
 *
 * @example
 * ```ts
 * const uws = loadUws();          // throws on a platform without the native binary
 * const app = uws.App();
 * ```
 */
export function loadUws(options: LoadUwsOptions = {}): UwsModule {
  cached ??= requireUws();
  if (cached.native) return cached.module;
  const allowed = options.allowFallback === true || process.env[ALLOW_FALLBACK_ENV] === "1";
  if (allowed) {
    if (!fallbackWarned) {
      fallbackWarned = true;
      process.emitWarning("uWebSockets.js runs on its pure-JS fallback: expect low performance.", { code: "UWS_FALLBACK" });
    }
    return cached.module;
  }
  const forced = /^(1|true)$/i.test(process.env.UWS_USE_FALLBACK ?? "");
  const why = forced
    ? "the environment variable UWS_USE_FALLBACK is set"
    : `its native binary did not load on ${process.platform}-${process.arch}, Node ABI ${process.versions.modules}`;
  throw new UwsNativeMissingError(
    `uWebSockets.js fell back to its slow pure-JS emulation because ${why}${cached.notes ? ` (${cached.notes})` : ""}. ` +
      "Fix: run Node 18 or 20 on Linux/macOS/Windows with glibc >= 2.27 (the @trufflesuite/uws-js-unofficial " +
      "20.30.0-unofficial.0 build ships ABIs 93/108/115), or override the `uWebSockets.js` dependency with an " +
      `official build for your Node version${forced ? ", and unset UWS_USE_FALLBACK" : ""}. ` +
      `To run on the emulation anyway (tests only), pass { allowFallback: true } or set ${ALLOW_FALLBACK_ENV}=1.`,
  );
}

function requireUws(): { module: UwsModule; native: boolean; notes: string } {
  const require = createRequire(import.meta.url);
  // The package reports its fallback only through console.log/console.warn while
  // loading: capture those lines for our own error instead of printing them.
  const captured: string[] = [];
  const { log, warn } = console;
  const capture = (...args: unknown[]) => {
    captured.push(args.map(String).join(" ").trim());
  };
  console.log = capture;
  console.warn = capture;
  let module: UwsModule;
  try {
    module = require("uWebSockets.js") as UwsModule;
  } finally {
    console.log = log;
    console.warn = warn;
  }
  const native = isNativeUws(module);
  // A native load prints nothing of interest; let anything unexpected through.
  if (native) for (const line of captured) if (line) warn(line);
  return { module, native, notes: captured.filter(Boolean).join(" ").replace(/\s+/g, " ").slice(0, 500) };
}
