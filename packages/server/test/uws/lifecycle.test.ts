import { execFile } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { resolveEngineOptions } from "../../src/engine/engine-options.js";
import { attachEngine, isNativeUws, loadUws } from "../../src/uws/index.js";
import { createUwsApp, listen } from "../../src/uws/uws-app.js";
import {
  type EngineHarness,
  parked,
  pollingHandshake,
  pollQuery,
  rawRequest,
  startEngine,
  wsHandshake,
} from "../engine/harness.js";

const run = promisify(execFile);

/** A raw keep-alive TCP connection to 127.0.0.1:`port`. */
interface RawConnection {
  send(data: string): void;
  /** Everything received so far (latin1). */
  received(): string;
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>;
}

function rawConnection(port: number): RawConnection {
  const socket = connect(port, "127.0.0.1");
  let data = "";
  socket.on("data", (chunk) => {
    data += chunk.toString("latin1");
  });
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return { send: (text) => socket.write(text), received: () => data, closed };
}

describe("graceful close", () => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("closes every session with `server shutting down`, stops accepting and frees the port", async () => {
    h = await startEngine();
    const { socket } = await wsHandshake(h);
    const { sid } = await pollingHandshake(h);
    const pending = fetch(h.url(pollQuery(sid)));
    await parked(h.connections[1]!);
    const port = h.port;
    await h.engine.close();
    expect(await socket.closed).toEqual({ code: 1001, reason: "server shutting down" });
    expect(await (await pending).text()).toBe("1");
    expect([await h.nextClose(), await h.nextClose()].map((c) => c.reason)).toEqual([
      "server shutting down",
      "server shutting down",
    ]);
    expect(h.engine.clientsCount).toBe(0);
    // New connections are refused; kept-alive ones were dropped with the app's connections.
    expect(await rawRequest(port, "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n")).toBe("");
    // The port is free: a new server can bind it.
    const app = createUwsApp();
    const again = await listen(app, port, "127.0.0.1");
    expect(again.port).toBe(port);
    again.close();
  });

  it("frees a port-0 port for a new server at once, with polling clients and keep-alive connections", async () => {
    h = await startEngine();
    const port = h.port;
    // Parked GETs and a kept-alive connection that went idle after its handshake, on raw sockets
    // so the test sees exactly when the server drops each one.
    const parkedGets: RawConnection[] = [];
    for (let i = 0; i < 3; i++) {
      const { sid } = await pollingHandshake(h);
      const raw = rawConnection(port);
      raw.send(`GET /socket.io/?${pollQuery(sid)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      parkedGets.push(raw);
    }
    for (const conn of h.connections) await parked(conn);
    const idle = rawConnection(port);
    idle.send("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n");
    await expect.poll(() => idle.received()).toContain("0{");
    const { socket } = await wsHandshake(h);
    await h.engine.close();
    // Every connection is closed by the server: nothing keeps the old port busy but the kernel.
    for (const raw of parkedGets) {
      await raw.closed;
      expect(raw.received()).toMatch(/\r\n\r\n1$/);
    }
    await idle.closed;
    expect(await socket.closed).toMatchObject({ code: 1001 });
    // The old connections may sit in FIN-WAIT/TIME-WAIT: the port is still reusable.
    const again = await listen(createUwsApp(), port, "127.0.0.1");
    expect(again.port).toBe(port);
    again.close();
  });

  it("on a user's app: stops accepting but keeps its open connections; the engine path answers 503", async () => {
    const app = loadUws().App();
    app.get("/mine", (res) => {
      res.end("still here");
    });
    const engine = attachEngine(app, resolveEngineOptions());
    const listener = await listen(app, 0, "127.0.0.1");
    const raw = connect(listener.port, "127.0.0.1");
    let received = "";
    raw.on("data", (chunk) => {
      received += chunk.toString("latin1");
    });
    const request = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n";
    raw.write(request);
    await expect.poll(() => received.includes("0{")).toBe(true);
    await engine.close();
    raw.write(request);
    await expect.poll(() => received.includes('{"code":3,"message":"Server shutting down"}')).toBe(true);
    expect(received).toContain("503 Service Unavailable");
    // Like socket.io's close(), the listen socket is closed (new connections refused)…
    expect(await rawRequest(listener.port, request)).toBe("");
    // …but the user's own routes keep serving the connections already open.
    raw.write("GET /mine HTTP/1.1\r\nHost: x\r\n\r\n");
    await expect.poll(() => received.includes("still here")).toBe(true);
    raw.destroy();
    listener.close();
  });

  it("refuses to bind a port in use", async () => {
    h = await startEngine();
    await expect(listen(createUwsApp(), h.port, "127.0.0.1")).rejects.toMatchObject({ code: "LISTEN_FAILED" });
  });
});

describe("loadUws", () => {
  it("loads the native build here", () => {
    expect(isNativeUws(loadUws())).toBe(true);
  });

  it("recognises the pure-JS fallback by its missing native exports", () => {
    expect(isNativeUws({ App: () => {}, us_listen_socket_close: () => {}, _cfg: () => {} })).toBe(false);
    expect(isNativeUws(null)).toBe(false);
  });

  const child = fileURLToPath(new URL("./fixtures/load-uws-child.ts", import.meta.url));
  const runChild = async (env: Record<string, string>) => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--conditions", "source", child], {
      env: { ...process.env, ...env },
    });
    return JSON.parse(stdout) as { ok: boolean; code?: string; message?: string };
  };

  it("fails with UWS_NATIVE_MISSING and a fix when the package falls back", async () => {
    const result = await runChild({ UWS_USE_FALLBACK: "1" });
    expect(result).toMatchObject({ ok: false, code: "UWS_NATIVE_MISSING" });
    expect(result.message).toContain("UWS_USE_FALLBACK");
    expect(result.message).toContain("COMETA_UWS_ALLOW_FALLBACK=1");
  });

  it("allows the fallback only when asked", async () => {
    expect(await runChild({ UWS_USE_FALLBACK: "1", COMETA_UWS_ALLOW_FALLBACK: "1" })).toEqual({ ok: true, hasApp: true });
  });
});
