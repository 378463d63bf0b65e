import { afterEach, describe, expect, it } from "vitest";
import type { TransportName } from "../../src/engine/engine-contract.js";
import { closeAllProbes, openEngine } from "./engine-probe.js";
import { hasNginx, type NginxProxy, startNginx } from "../../../testing/src/peers/nginx.js";
import { type OfficialServer, startOfficialServer } from "./official-server.js";

// Skipped on a developer machine without nginx; under CI=true a missing nginx fails the suite (startNginx throws).
const run = hasNginx || process.env.CI === "true";

let server: OfficialServer | undefined;
let proxy: NginxProxy | undefined;
afterEach(async () => {
  closeAllProbes();
  await proxy?.stop();
  await server?.close();
  proxy = server = undefined;
});

/** Starts the official server behind nginx and connects an engine through the proxy, up to the CONNECT ack. */
async function connectThroughNginx(forwardUpgrade: boolean, transports: TransportName[], upstream?: OfficialServer) {
  server = upstream ?? (await startOfficialServer());
  proxy = await startNginx({ upstreams: [server.origin], forwardUpgrade, httpVersion: forwardUpgrade ? "1.1" : "1.0" });
  const client = openEngine(proxy.origin, { transports });
  await client.opened;
  client.engine.send(["0"]);
  await client.messagesUntil(1);
  client.engine.send(['2["echo","through nginx"]']);
  expect((await client.messagesUntil(2))[1]).toBe('2["echo","through nginx"]');
  return client;
}

describe.runIf(run)("behind real nginx", () => {
  it("without Upgrade forwarding: falls back from WebSocket and works on polling", async () => {
    const client = await connectThroughNginx(false, ["websocket", "polling"]);
    expect(client.transports).toEqual(["polling"]);
    expect(server!.upgrades).toEqual([]); // nginx turned the handshake into a plain GET
  });

  it("without Upgrade forwarding: the upgrade probe fails and the session stays on polling", async () => {
    server = await startOfficialServer();
    // The probe arrives as a plain GET with transport=websocket: engine.io refuses it with code 3.
    const refusedProbe = new Promise<string>((resolve) => {
      server!.io.engine.on("connection_error", (error: { req: { url?: string }; code: number }) => {
        if (error.code === 3) resolve(error.req.url ?? "");
      });
    });
    const client = await connectThroughNginx(false, ["polling", "websocket"], server);
    expect(await refusedProbe).toMatch(/transport=websocket&sid=/);
    client.engine.send(['2["echo","still polling"]']);
    expect((await client.messagesUntil(3))[2]).toBe('2["echo","still polling"]');
    expect(client.engine.transport).toBe("polling");
    expect(client.transports).toEqual(["polling"]);
  });

  it("with Upgrade forwarded: opens on WebSocket directly", async () => {
    const client = await connectThroughNginx(true, ["websocket", "polling"]);
    expect(client.transports).toEqual(["websocket"]);
  });

  it("with Upgrade forwarded: upgrades from polling to WebSocket", async () => {
    const client = await connectThroughNginx(true, ["polling", "websocket"]);
    await client.transportBecomes("websocket");
    client.engine.send(['2["echo","on websocket"]']);
    expect((await client.messagesUntil(3))[2]).toBe('2["echo","on websocket"]');
  });
});
