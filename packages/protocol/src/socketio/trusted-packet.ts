/**
 * The client side of packet validation. A server validates everything its
 * clients send (`validatePacket`, in every codec it uses), because clients
 * are untrusted. A client talks to a server it chose: it trusts it for the
 * shape of packets and checks only what it acts on, so that nothing it
 * dispatches can throw or be misread. The decoders' value hardening (depth,
 * node budget, value types, `__proto__` keys, attachment placeholders) runs
 * before this check and is the same on both sides.
 *
 * The client codecs (`clientTextCodec`, `@cometa/codec-msgpack/lite`'s
 * `liteMsgpackClientCodec`) use it in place of `validatePacket`, which keeps
 * browser bundles small. Servers must never use them.
 */
import { ProtocolError } from "../errors.js";
import { PACKET_ACK, PACKET_BINARY_ACK, PACKET_BINARY_EVENT, PACKET_EVENT, type Packet, type PacketType } from "./packet.js";
import { isValidAckId } from "./validate.js";

/**
 * Check a decoded packet-like object from a trusted peer and return a fresh
 * `Packet` with its present fields (`type`, `nsp`, `data`, `id`; unknown keys
 * and `mid` are dropped), or `INVALID_PACKET`. Only own properties are read.
 *
 * Rules: `type` an integer 0–4 (5/6 become 2/3 with `binaryTypes`); `nsp` a
 * string starting with "/"; `id`, when present, a valid ack id, and required
 * on ACK; EVENT data an array whose first element is a string or a number;
 * ACK data an array. Anything else a valid packet may hold is passed on as
 * is (a client reads CONNECT and CONNECT_ERROR data defensively, and refuses
 * reserved event names itself).
 *
 * @example
 * ```ts
 * trustedPacket({ type: 2, nsp: "/", data: ["hi"] }) // { type: 2, nsp: "/", data: ["hi"] }
 * trustedPacket({ type: 3, nsp: "/", data: [] })     // ProtocolError INVALID_PACKET (no ack id)
 * ```
 */
export function trustedPacket(raw: unknown, binaryTypes?: boolean): Packet | ProtocolError {
  if (typeof raw !== "object" || raw === null) return new ProtocolError("INVALID_PACKET", "invalid packet");
  const own = (key: string): unknown => (Object.hasOwn(raw, key) ? (raw as Record<string, unknown>)[key] : undefined);
  let type = own("type");
  const nsp = own("nsp");
  const data = own("data");
  const id = own("id");
  if (binaryTypes && (type === PACKET_BINARY_EVENT || type === PACKET_BINARY_ACK)) type -= 3;
  const event = type === PACKET_EVENT;
  if (
    ![0, 1, 2, 3, 4].includes(type as number) ||
    typeof nsp !== "string" ||
    nsp[0] !== "/" ||
    (id === undefined ? type === PACKET_ACK : !isValidAckId(id)) ||
    ((event || type === PACKET_ACK) && !Array.isArray(data)) ||
    (event && !["string", "number"].includes(typeof (data as unknown[])[0]))
  ) {
    return new ProtocolError("INVALID_PACKET", "invalid packet");
  }
  // Keys only when present, as validatePacket builds them.
  const packet: Packet = { type: type as PacketType, nsp };
  if (data !== undefined) packet.data = data;
  if (id !== undefined) packet.id = id as number;
  return packet;
}
