/**
 * Loads uWebSockets.js and refuses its pure-JS fallback: the `@trufflesuite/uws-js-unofficial`
 * build silently swaps in a slow emulation when the native binary fails to load, which would make
 * every uWS figure meaningless. Set `BENCH_ALLOW_UWS_FALLBACK=1` to run on it anyway.
 */
import { createRequire } from "node:module";
import type * as uWS from "uWebSockets.js";

/** The uWebSockets.js module type. */
export type Uws = typeof uWS;

/** Returns the native uWebSockets.js module, or exits (code 3) explaining why it is not native. */
export function loadNativeUws(): Uws {
  const uws = createRequire(import.meta.url)("uWebSockets.js") as Uws;
  // The emulation lacks SSLApp/getParts; the native addon has both.
  const native = typeof uws.SSLApp === "function" && typeof (uws as { getParts?: unknown }).getParts === "function";
  if (!native && process.env.BENCH_ALLOW_UWS_FALLBACK !== "1") {
    console.error(
      `uWebSockets.js fell back to its pure-JS emulation (no native binary for ${process.platform}-${process.arch}, ` +
        `Node ABI ${process.versions.modules}); refusing to benchmark it. Use Node 20, or set BENCH_ALLOW_UWS_FALLBACK=1.`,
    );
    process.exit(3);
  }
  return uws;
}
