import { createRequire } from "node:module";
import { CometaError } from "@cometa/protocol";
import type * as uWS from "uWebSockets.js";

/** The uWebSockets.js module. */
export type UwsModule = typeof uWS;

/** uWebSockets.js could only load its slow pure-JS emulation. */
export class UwsMissingError extends CometaError<"UWS_NATIVE_MISSING"> {
  constructor(message: string) {
    super("UWS_NATIVE_MISSING", message);
  }
}

/**
 * Load uWebSockets.js, refusing the pure-JS emulation that the
 * `@trufflesuite/uws-js-unofficial` build silently falls back to when its
 * native binary does not load (the emulation has no `SSLApp`/`getParts`).
 * `COMETA_UWS_ALLOW_FALLBACK=1` accepts it anyway, as `@cometa/server` does.
 */
export function loadUws(): UwsModule {
  // A CommonJS addon whose exports an ES import cannot see by name: require it.
  const uws = createRequire(import.meta.url)("uWebSockets.js") as UwsModule;
  const native = typeof uws.SSLApp === "function" && typeof uws.getParts === "function";
  if (!native && process.env.COMETA_UWS_ALLOW_FALLBACK !== "1") {
    throw new UwsMissingError(
      `uWebSockets.js has no native build for ${process.platform}-${process.arch} on Node ABI ${process.versions.modules}: ` +
        "run Node 20 (or 18) on Linux/macOS/Windows with glibc >= 2.27, or set COMETA_UWS_ALLOW_FALLBACK=1 to try its slow emulation.",
    );
  }
  return uws;
}
