import { createServer } from "node:net";
import { CometaError } from "@cometa/protocol";
import type { ListenOptions, TemplatedApp, us_listen_socket } from "uWebSockets.js";
import { type LoadUwsOptions, loadUws } from "./load-uws.js";

/**
 * A uWebSockets.js app (`App()`): users may bring their own and keep their
 * routes on it. An alias so that code outside `uws/` never imports uWS.
 */
export type UwsApp = TemplatedApp;

/** A listening socket: the real port, and `close()` to stop accepting connections. */
export interface ListenHandle {
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Stop accepting new connections and free the port. Idempotent. */
  close(): void;
}

/** `listen(host, port, options, cb)` exists natively but is missing from the typings. */
interface ListenWithHost {
  listen(host: string, port: number, options: ListenOptions, cb: (socket: us_listen_socket | false) => void): void;
}

/** Thrown (as a rejection) when a port cannot be bound. */
export class ListenError extends CometaError<"LISTEN_FAILED"> {}

/** Listen handles per app, so that an engine shutdown can stop accepting. */
const handlesByApp = new WeakMap<UwsApp, Set<ListenHandle>>();
/** Apps made by `createUwsApp`: an engine shutdown may close all their connections. */
const ownedApps = new WeakSet<UwsApp>();

/**
 * A new uWebSockets.js app, after checking that the native build is loaded
 * (see `loadUws`).
 *
 * @example
 * ```ts
 * const app = createUwsApp();
 * const engine = mountEngine(app, { pingInterval: 10_000 });
 * const { port } = await listen(app, 0, "127.0.0.1");
 * ```
 */
export function createUwsApp(options?: LoadUwsOptions): UwsApp {
  const app = loadUws(options).App();
  ownedApps.add(app);
  return app;
}

/**
 * Bind `app` to `port` (0 for any free port) on `host` (default: all
 * interfaces). Resolves with the real port; rejects with `ListenError`
 * (code `LISTEN_FAILED`) when the port is taken or the host invalid.
 * The port is exclusive (no SO_REUSEPORT sharing) and reusable: after a
 * shutdown, a new server can bind the same port at once, even while the old
 * connections linger in FIN-WAIT or TIME-WAIT.
 */
export async function listen(app: UwsApp, port: number, host?: string): Promise<ListenHandle> {
  if (port !== 0) return bind(app, port, host);
  // uSockets sets SO_REUSEADDR only on explicit ports, and accepted sockets inherit the
  // listener's flag: a port-0 listener's closed connections would block rebinding its port
  // for up to a minute. So choose the free port first and bind it explicitly; retry if
  // another process takes it in between.
  for (let attempt = 1; ; attempt++) {
    const free = await freePort(host);
    try {
      return await bind(app, free, host);
    } catch (error) {
      if (attempt === FREE_PORT_ATTEMPTS) throw error;
    }
  }
}

const FREE_PORT_ATTEMPTS = 5;

/** A port the OS considers free on `host` right now (bound and released at once). */
function freePort(host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", (error) =>
      reject(new ListenError("LISTEN_FAILED", `cannot listen on ${host ?? "*"}:0`, { cause: error })),
    );
    probe.listen({ port: 0, host, exclusive: true }, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

function bind(app: UwsApp, port: number, host: string | undefined): Promise<ListenHandle> {
  const uws = loadUws({ allowFallback: true });
  return new Promise((resolve, reject) => {
    const onListen = (socket: us_listen_socket | false) => {
      if (socket === false) {
        reject(new ListenError("LISTEN_FAILED", `cannot listen on ${host ?? "*"}:${port}`));
        return;
      }
      let open = true;
      const handle: ListenHandle = {
        port: uws.us_socket_local_port(socket),
        close() {
          if (!open) return;
          open = false;
          handlesByApp.get(app)?.delete(handle);
          uws.us_listen_socket_close(socket);
        },
      };
      let handles = handlesByApp.get(app);
      if (handles === undefined) {
        handles = new Set();
        handlesByApp.set(app, handles);
      }
      handles.add(handle);
      resolve(handle);
    };
    // Exclusive: without it uSockets sets SO_REUSEPORT on explicit ports, and a
    // second server on the same port would silently share its traffic.
    const exclusive = (uws as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT: ListenOptions }).LIBUS_LISTEN_EXCLUSIVE_PORT;
    if (host === undefined) app.listen(port, exclusive, onListen);
    else (app as unknown as ListenWithHost).listen(host, port, exclusive, onListen);
  });
}

/** Close every listen socket opened on `app` through `listen`. */
export function closeListeners(app: UwsApp): void {
  const handles = handlesByApp.get(app);
  if (handles === undefined) return;
  for (const handle of [...handles]) handle.close();
}

/**
 * Forcefully close every connection of an app made by `createUwsApp` (idle
 * keep-alive connections would otherwise hold the port). Apps the user made
 * are left alone: their other routes are theirs to shut down.
 */
export function closeOwnedConnections(app: UwsApp): void {
  if (!ownedApps.has(app)) return;
  // `close()` exists on uWS.js apps since v20.24 but is missing from this build's typings.
  (app as unknown as { close?: () => void }).close?.();
}
