import { deserialize, serialize } from "node:v8";

/**
 * How the recovery stores encode values in Redis: V8's structured-clone
 * format, so `socket.data`, event arguments and ack replies keep Buffers,
 * typed arrays, Dates, Maps and nested objects exactly. Only our own
 * instances write these keys, so the reader trusts them (no untrusted input
 * reaches `deserialize`).
 */
export function encodeStored(value: unknown): Buffer {
  return serialize(value);
}

/** Inverse of {@link encodeStored}; a `Uint8Array` from the Redis reply (Buffer). */
export function decodeStored<T>(bytes: Uint8Array): T {
  return deserialize(bytes) as T;
}
