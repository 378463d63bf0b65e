/**
 * The uWebSockets.js binding: the only code in Cometa that imports uWS.
 *
 * - `loadUws()` loads the native build, refusing the package's silent pure-JS
 *   fallback unless allowed (`allowFallback` / `COMETA_UWS_ALLOW_FALLBACK=1`).
 * - `createUwsApp()` makes an app; `mountEngine(app, options)` registers the
 *   Engine.IO endpoint on it (yours or ours: other routes keep working);
 *   `listen(app, port, host?)` binds it (port 0 → a free port).
 *
 * @example
 * ```ts
 * import { createUwsApp, listen, mountEngine } from "./uws/index.js";
 * const app = createUwsApp();
 * const engine = mountEngine(app, { path: "/socket.io/" });
 * engine.onConnection = (conn) => { conn.onMessage = (frame) => conn.send([frame]); };
 * const server = await listen(app, 0, "127.0.0.1");
 * // … later
 * await engine.close(); // closes the sessions and the listen socket
 * ```
 */
export { ALLOW_FALLBACK_ENV, isNativeUws, type LoadUwsOptions, loadUws, type UwsModule, UwsNativeMissingError } from "./load-uws.js";
export { attachEngine, EngineMountError, mountEngine } from "./mount-engine.js";
export { createUwsApp, type ListenHandle, ListenError, listen, type UwsApp } from "./uws-app.js";
