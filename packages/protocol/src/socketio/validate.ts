/**
 * Socket.IO packet validation (PROTOCOL.md §3.1): the union of what the
 * reference text parser (`isPayloadValid`) and msgpack parser (`checkPacket`)
 * reject, so a packet that passes here is accepted by both. Codecs call
 * {@link validatePacket} on whatever their wire format decoded.
 */
import { ProtocolError, type ProtocolErrorCode } from "../errors.js";
import { ConnectRefusal } from "./connect-refusal.js";
import {
  MAX_ACK_ID,
  PACKET_ACK,
  PACKET_BINARY_ACK,
  PACKET_BINARY_EVENT,
  PACKET_CONNECT,
  PACKET_EVENT,
  type Packet,
  type PacketType,
  RESERVED_EVENTS,
} from "./packet.js";

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
 * True for what may open EVENT data: a finite number, or a string that is not
 * a reserved event name (`connect`, `disconnect`, …).
 *
 * @example
 * ```ts
 * isEventName("chat") // true
 * isEventName("connect") // false
 * ```
 */
export function isEventName(name: unknown): boolean {
  return typeof name === "string" ? !RESERVED_EVENTS.has(name) : typeof name === "number" && Number.isFinite(name);
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
 * A CONNECT whose `nsp` is a string but not a valid namespace, or whose data
 * is present but not a plain object, is otherwise well formed: it yields a
 * {@link ConnectRefusal} (a `ProtocolError` carrying the namespace), which a
 * server answers with CONNECT_ERROR instead of closing (RELIABILITY.md M12,
 * M17). Every other invalid packet yields a plain `ProtocolError`.
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
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return invalid("INVALID_PACKET", "packet");
  let type = own(raw, "type") as PacketType;
  const nsp = own(raw, "nsp");
  const data = own(raw, "data");
  const id = own(raw, "id");
  const mid = own(raw, "mid");
  // BINARY_EVENT/BINARY_ACK (5/6) exist only on the text codec's wire: they become EVENT/ACK (2/3).
  if (options?.binaryTypes && (type === PACKET_BINARY_EVENT || type === PACKET_BINARY_ACK)) type -= 3;
  const takesId = type === PACKET_EVENT || type === PACKET_ACK;
  if (!(type === 0 || type === 1 || takesId || type === 4)) return invalid("INVALID_PACKET", "packet type");
  if (type === PACKET_CONNECT) return validateConnect(nsp, data, id, mid);
  if (!isValidNamespace(nsp)) return invalid("INVALID_NAMESPACE", "namespace");
  if (!DATA_RULES[type]!(data)) return invalid("INVALID_PACKET", "packet data");
  if (id !== undefined && !takesId) return invalid("INVALID_PACKET", "ack id on this packet type");
  if (id === undefined ? type === PACKET_ACK : !isValidAckId(id)) return invalid("INVALID_ACK_ID", "ack id");
  if (!isValidMid(mid)) return invalid("INVALID_PACKET", "mid");

  // Fresh object, keys only when present: consumers can rely on `"id" in p`.
  const packet: Packet = { type: type as PacketType, nsp: nsp as string };
  if (data !== undefined) packet.data = data;
  if (id !== undefined) packet.id = id as number;
  if (mid !== undefined && type === PACKET_EVENT) packet.mid = mid as string;
  return packet;
}

/**
 * CONNECT: a non-string namespace, an ack id or a bad `mid` are malformed
 * (rejected, as both reference parsers reject a non-string namespace); a
 * string that is no valid namespace, or auth data that is not a plain object,
 * is a refusal the server answers with CONNECT_ERROR.
 */
function validateConnect(nsp: unknown, data: unknown, id: unknown, mid: unknown): Packet | ProtocolError {
  if (typeof nsp !== "string") return invalid("INVALID_NAMESPACE", "namespace");
  if (id !== undefined) return invalid("INVALID_PACKET", "ack id on this packet type");
  if (!isValidMid(mid)) return invalid("INVALID_PACKET", "mid");
  if (!isValidNamespace(nsp)) return new ConnectRefusal(nsp, "namespace");
  if (data === undefined) return { type: PACKET_CONNECT, nsp };
  if (!isPlainObject(data)) return new ConnectRefusal(nsp, "auth");
  return { type: PACKET_CONNECT, nsp, data };
}

/** Absent, or a string of 1–{@link MAX_MESSAGE_ID_LENGTH} code units. */
function isValidMid(mid: unknown): boolean {
  return mid === undefined || (typeof mid === "string" && mid.length > 0 && mid.length <= MAX_MESSAGE_ID_LENGTH);
}

/** The rejection of an invalid field; messages stay short and never echo the input. */
function invalid(code: ProtocolErrorCode, what: string): ProtocolError {
  return new ProtocolError(code, `invalid ${what}`);
}

/**
 * What `data` may be, by packet type (CONNECT goes through `validateConnect`
 * first; its rule is kept for the table's shape): CONNECT absent or a plain object;
 * DISCONNECT absent; EVENT a non-empty array whose first element is a finite
 * number or a non-reserved string; ACK an array; CONNECT_ERROR a string or a
 * plain object.
 */
const DATA_RULES: readonly ((data: unknown) => boolean)[] = [
  (data) => data === undefined || isPlainObject(data),
  (data) => data === undefined,
  (data) => Array.isArray(data) && isEventName(data[0]),
  Array.isArray,
  (data) => typeof data === "string" || isPlainObject(data),
];

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
