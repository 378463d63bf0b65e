/**
 * Socket.IO v5 packets (PROTOCOL.md §3.1). A packet is what codecs encode and
 * decode; it is independent of the wire format.
 */

/*
 * The packet types one by one: bundlers inline an imported `const` number,
 * while `PacketType.EVENT` stays a property lookup on an object that must be
 * shipped. Size-sensitive code (the browser client and codecs) uses these.
 */
/** {@link PacketType}.CONNECT */
export const PACKET_CONNECT = 0;
/** {@link PacketType}.DISCONNECT */
export const PACKET_DISCONNECT = 1;
/** {@link PacketType}.EVENT */
export const PACKET_EVENT = 2;
/** {@link PacketType}.ACK */
export const PACKET_ACK = 3;
/** {@link PacketType}.CONNECT_ERROR */
export const PACKET_CONNECT_ERROR = 4;
/** {@link PacketType}.BINARY_EVENT */
export const PACKET_BINARY_EVENT = 5;
/** {@link PacketType}.BINARY_ACK */
export const PACKET_BINARY_ACK = 6;

/** Socket.IO packet types. BINARY_EVENT and BINARY_ACK exist only on the wire of the text codec. */
export const PacketType = {
  CONNECT: PACKET_CONNECT,
  DISCONNECT: PACKET_DISCONNECT,
  EVENT: PACKET_EVENT,
  ACK: PACKET_ACK,
  CONNECT_ERROR: PACKET_CONNECT_ERROR,
  BINARY_EVENT: PACKET_BINARY_EVENT,
  BINARY_ACK: PACKET_BINARY_ACK,
} as const;

/** A numeric Socket.IO packet type. */
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/**
 * A decoded Socket.IO packet.
 *
 * Decoders normalise BINARY_EVENT/BINARY_ACK to EVENT/ACK: whether a packet
 * carries binary is a wire detail of the text codec. Binary values inside
 * `data` are `Uint8Array`s (Node `Buffer`s are accepted when encoding).
 *
 * - CONNECT: `data` is the auth object (C→S, optional) or `{sid, pid?}` (S→C).
 * - DISCONNECT: no `data`.
 * - EVENT: `data` is `[eventName, ...args]`, `id` set when an ack is requested.
 * - ACK: `data` is the reply arguments array, `id` required.
 * - CONNECT_ERROR: `data` is `{message, data?}`.
 */
export interface Packet {
  type: PacketType;
  /** Namespace, always starting with "/". */
  nsp: string;
  data?: unknown;
  /** Ack id, an integer in 0…2^31−1. */
  id?: number;
  /**
   * Cometa extension: client message id of an EVENT sent with `retries`, so the
   * server can de-duplicate retransmissions (string of 1–64 chars). The
   * MessagePack codec carries it as an extra map key `mid`, which official
   * Socket.IO peers ignore (they ignore unknown keys); the text codec cannot
   * carry it and drops it.
   */
  mid?: string;
}

/** Largest valid ack id (2^31−1). Anything else is rejected (PROTOCOL.md §3.3). */
export const MAX_ACK_ID = 0x7fffffff;

/**
 * Event names that can never be emitted or dispatched: they are the
 * framework's own lifecycle events.
 */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);
