import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket as WsWebSocket } from "ws";
import type { ClientEngineOptions } from "../../src/engine/engine-contract.js";
import { createWebSocketTransport } from "../../src/engine/websocket-transport.js";
import { systemClock } from "../../src/clock.js";

/** A TCP server that accepts connections and never answers, so a WebSocket stays CONNECTING. */
async function silentServer(): Promise<{ port: number; server: Server; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { port: address.port, server, sockets };
}

describe("websocket transport", () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it("closing a still-connecting `ws` socket raises no uncaught error", async () => {
    const { port, server, sockets } = await silentServer();
    cleanup = () => {
      for (const s of sockets) s.destroy();
      server.close();
    };
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      const options = { WebSocket: WsWebSocket, extraHeaders: {} } as unknown as ClientEngineOptions;
      const transport = createWebSocketTransport(
        { options, clock: systemClock, url: () => `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket` },
        { onTransportOpen() {}, onTransportPacket() {}, onTransportDrain() {}, onTransportError() {} },
      );
      // Wait until the TCP connection exists, then close while the upgrade is pending.
      await expect.poll(() => sockets.length).toBe(1);
      transport.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });
});
