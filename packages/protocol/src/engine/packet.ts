/**
 * Engine.IO v4 packets (PROTOCOL.md §2.2). One Engine.IO session carries a
 * stream of these; `message` packets carry Socket.IO packets.
 */

/** Engine.IO packet type names, in wire order: the index is the type character. */
export const ENGINE_PACKET_TYPES = ["open", "close", "ping", "pong", "message", "upgrade", "noop"] as const;

/** One of the seven Engine.IO packet types. */
export type EnginePacketType = (typeof ENGINE_PACKET_TYPES)[number];

/**
 * A decoded Engine.IO packet. `data` is text for text frames and a byte array
 * for binary `message` packets. Binary data is a `Uint8Array` (a `Buffer` in
 * Node is one too).
 */
export interface EnginePacket {
  readonly type: EnginePacketType;
  readonly data?: string | Uint8Array;
}

/**
 * What travels in one WebSocket frame, or one entry of a polling payload: the
 * output of a Socket.IO codec. Strings go in text frames (`4` + text),
 * `Uint8Array`s in binary frames (no prefix).
 */
export type Frame = string | Uint8Array;
