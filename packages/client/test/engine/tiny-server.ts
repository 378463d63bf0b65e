import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/** A scripted HTTP (and optionally WebSocket) server on an ephemeral port, for misbehaving-server tests. */
export interface TinyServer {
  readonly origin: string;
  readonly http: Server;
  close(): Promise<void>;
}

/** Starts a server whose HTTP requests go to `onRequest` and WebSocket connections to `onSocket` (if given). */
export async function startTinyServer(
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
  onSocket?: (socket: WebSocket, req: IncomingMessage) => void,
): Promise<TinyServer> {
  const http = createServer(onRequest);
  const wss = onSocket ? new WebSocketServer({ server: http }) : undefined;
  if (wss && onSocket) wss.on("connection", onSocket);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    http,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss?.clients ?? []) client.terminate();
        wss?.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** An Engine.IO open packet with the given timings. */
export const openFrame = (pingInterval: number, pingTimeout: number, upgrades: string[] = []) =>
  `0${JSON.stringify({ sid: "tiny", upgrades, pingInterval, pingTimeout, maxPayload: 100_000 })}`;
