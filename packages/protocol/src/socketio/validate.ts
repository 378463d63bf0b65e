/**
 * Socket.IO packet validation (PROTOCOL.md §3.1): the union of what the
 * reference text parser (`isPayloadValid`) and msgpack parser (`checkPacket`)
 * reject, so a packet that passes here is accepted by both. Codecs call
 * {@link validatePacket} on whatever their wire format decoded.
 */
import { ProtocolError } from "../errors.js";
import { MAX_ACK_ID, type Packet, PacketType, RESERVED_EVENTS } from "./packet.js";

/**
 * Longest namespace accepted, in UTF-16 code units. Real namespaces are short
 * paths; the cap keeps hostile names out of maps and logs (RELIABILITY.md M12).
 */
export const MAX_NAMESPACE_LENGTH = 256;

/** Longest `mid` (client message id) accepted. */
export const MAX_MESSAGE_ID_LENGTH = 64;

/** Options of {@link validatePacket}. */
export interface ValidatePacketOptions {
  /**
   * Accept BINARY_EVENT (5) and BINARY_ACK (6) and normalise them to EVENT and
   * ACK. Only the text codec sets this: in MessagePack these types do not
   * exist and the reference decoder rejects them. Default `false`.
   */
  readonly binaryTypes?: boolean;
}

/**
 * True for a valid ack id: an integer in 0…2^31−1 (PROTOCOL.md §3.3). Larger
 * values, fractions, NaN and non-numbers are rejected.
 *
 * @example
 * ```ts
 * isValidAckId(0) // true
 * isValidAckId(2 ** 31) // false
 * ```
 */
export function isValidAckId(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_ACK_ID;
}

/**
 * True for a valid namespace: a string that starts with "/", is at most
 * {@link MAX_NAMESPACE_LENGTH} code units long and contains no C0 control
 * character or DEL. Whether the namespace exists is the server's business.
 *
 * @example
 * ```ts
 * isValidNamespace("/admin") // true
 * isValidNamespace("admin")  // false
 * ```
 */
export function isValidNamespace(nsp: unknown): nsp is string {
  if (typeof nsp !== "string" || nsp.length === 0 || nsp.length > MAX_NAMESPACE_LENGTH) return false;
  if (nsp.charCodeAt(0) !== 0x2f) return false;
  for (let i = 1; i < nsp.length; i++) {
    const c = nsp.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

/**
 * Check a decoded packet-like object and return a fresh plain `Packet` with
 * only the known keys (`type`, `nsp`, `data`, `id`, `mid`), or the reason it
 * is invalid. Unknown keys (the official client sends `options`) are dropped;
 * a key whose value is `undefined` (notepack's "absent") counts as absent.
 * Only own properties are read, so a polluted prototype cannot supply fields.
 *
 * Rules: `type` an integer 0–4 (5/6 with `binaryTypes`); `nsp` valid
 * ({@link isValidNamespace}); `id` only on EVENT/ACK, required on ACK, valid
 * ({@link isValidAckId}); CONNECT data absent or a plain object; DISCONNECT
 * no data; EVENT data a non-empty array whose first element is a finite
 * number or a non-reserved string (both reference parsers accept numbers);
 * ACK data an array; CONNECT_ERROR data a string or a plain object; `mid` a
 * string of 1–64 chars, kept on EVENT only.
 *
 * It does not walk `data`: run `guardValue` for depth, size and key checks.
 *
 * @example
 * ```ts
 * const packet = validatePacket(decoded);
 * if (packet instanceof ProtocolError) return packet;
 * ```
 */
export function validatePacket(raw: unknown, options?: ValidatePacketOptions): Packet | ProtocolError {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return new ProtocolError("INVALID_PACKET", "a packet must be an object");
  }
  const type = own(raw, "type");
  const nsp = own(raw, "nsp");
  const data = own(raw, "data");
  const id = own(raw, "id");
  const mid = own(raw, "mid");

  let normalType: PacketType;
  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    if (!options?.binaryTypes) return new ProtocolError("INVALID_PACKET", `packet type ${type} is not allowed here`);
    normalType = type === PacketType.BINARY_EVENT ? PacketType.EVENT : PacketType.ACK;
  } else if (type === 0 || type === 1 || type === 2 || type === 3 || type === 4) {
    normalType = type;
  } else {
    return new ProtocolError("INVALID_PACKET", "packet type must be an integer 0-4");
  }
  if (!isValidNamespace(nsp)) return new ProtocolError("INVALID_NAMESPACE", "invalid namespace");

  const dataError = checkData(normalType, data);
  if (dataError !== undefined) return new ProtocolError("INVALID_PACKET", dataError);

  const takesId = normalType === PacketType.EVENT || normalType === PacketType.ACK;
  if (id !== undefined && !takesId) return new ProtocolError("INVALID_PACKET", "only EVENT and ACK carry an ack id");
  if (id !== undefined && !isValidAckId(id)) return new ProtocolError("INVALID_ACK_ID", "ack id must be an integer 0-2147483647");
  if (id === undefined && normalType === PacketType.ACK) return new ProtocolError("INVALID_ACK_ID", "ACK without an id");

  if (mid !== undefined && (typeof mid !== "string" || mid.length === 0 || mid.length > MAX_MESSAGE_ID_LENGTH)) {
    return new ProtocolError("INVALID_PACKET", `mid must be a string of 1-${MAX_MESSAGE_ID_LENGTH} chars`);
  }

  // Fresh object, keys only when present: consumers can rely on `"id" in p`.
  const packet: Packet = { type: normalType, nsp };
  if (data !== undefined) packet.data = data;
  if (id !== undefined) packet.id = id;
  if (mid !== undefined && normalType === PacketType.EVENT) packet.mid = mid;
  return packet;
}

/** The per-type data rule; returns a reason when `data` is invalid. */
function checkData(type: PacketType, data: unknown): string | undefined {
  switch (type) {
    case PacketType.CONNECT:
      return data === undefined || isPlainObject(data) ? undefined : "CONNECT data must be an object";
    case PacketType.DISCONNECT:
      return data === undefined ? undefined : "DISCONNECT carries no data";
    case PacketType.EVENT: {
      if (!Array.isArray(data) || data.length === 0) return "EVENT data must be a non-empty array";
      const name: unknown = data[0];
      if (typeof name === "number" && Number.isFinite(name)) return undefined;
      if (typeof name !== "string") return "event name must be a string or a number";
      return RESERVED_EVENTS.has(name) ? `event name ${JSON.stringify(name)} is reserved` : undefined;
    }
    case PacketType.ACK:
      return Array.isArray(data) ? undefined : "ACK data must be an array";
    case PacketType.CONNECT_ERROR:
      return typeof data === "string" || isPlainObject(data) ? undefined : "CONNECT_ERROR data must be a string or an object";
    default:
      return "unknown packet type";
  }
}

/** An own property, or undefined; never reads the prototype chain. */
function own(obj: object, key: string): unknown {
  return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** A plain object: prototype `Object.prototype` or `null` (no arrays, no class instances). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
