/** The JSON body of the Engine.IO `open` packet (PROTOCOL.md §2.4). */
export interface HandshakeData {
  /** Engine.IO session id. */
  readonly sid: string;
  /** Transports the client may upgrade to: `["websocket"]` for polling, `[]` for WebSocket sessions. */
  readonly upgrades: readonly string[];
  /** Server ping period in ms. */
  readonly pingInterval: number;
  /** How long the server waits for a pong, in ms. */
  readonly pingTimeout: number;
  /** Largest payload the server accepts, in bytes. */
  readonly maxPayload: number;
}
