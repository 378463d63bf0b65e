import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { CorkingWebSocket } from "../../src/load/corking-web-socket.js";

describe("CorkingWebSocket", () => {
  let server: WebSocketServer | undefined;
  let client: CorkingWebSocket | undefined;
  afterEach(async () => {
    client?.terminate();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = client = undefined;
  });

  it("holds one tick's frames in the socket and sends them in order once the tick ends", async () => {
    const received: string[] = [];
    let allArrived!: () => void;
    const arrived = new Promise<void>((resolve) => {
      allArrived = resolve;
    });
    server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    server.on("connection", (ws) =>
      ws.on("message", (data: Buffer) => {
        received.push(data.toString("utf8"));
        if (received.length === 3) allArrived();
      }),
    );
    await new Promise((resolve) => server!.once("listening", resolve));
    client = new CorkingWebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await new Promise((resolve) => client!.once("open", resolve));
    const tcp = (client as unknown as { _socket: Socket })._socket;

    client.send("echo");
    client.send(new Uint8Array([1, 2]));
    expect(tcp.writableCorked).toBe(1);
    expect(tcp.writableLength).toBeGreaterThan(0); // held, not yet handed to the kernel
    await new Promise((resolve) => process.nextTick(resolve));
    expect(tcp.writableCorked).toBe(0);
    client.send("ask-back");
    await arrived;
    expect(received).toEqual(["echo", "\u0001\u0002", "ask-back"]);
  });
});
