/**
 * `validatePacket` for the raw fields of a text frame, with a fast path for
 * EVENT and ACK (and their binary forms), the packets a server decodes all
 * day. A text frame's fields are already own properties of known types
 * (`parseTextPacket` made them: `type` an integer 0–6, `nsp` a string, `id` a
 * non-negative integer or absent, no `mid`), so the fast path skips
 * `validatePacket`'s own-property reads and type tests and applies only the
 * rules left. Anything it does not accept goes to `validatePacket`, which
 * gives the same packet or the same error as before. A property test checks
 * that both always agree.
 */
import type { ProtocolError } from "../errors.js";
import { MAX_ACK_ID, PACKET_ACK, PACKET_BINARY_ACK, PACKET_BINARY_EVENT, PACKET_EVENT, type Packet } from "../socketio/packet.js";
import { isEventName, isValidNamespace, validatePacket } from "../socketio/validate.js";
import type { RawTextPacket } from "./parse-text-packet.js";

/**
 * `validatePacket(raw, { binaryTypes: true })` for the fields of a text
 * frame: BINARY_EVENT/BINARY_ACK are valid and become EVENT/ACK.
 *
 * @example
 * ```ts
 * const raw = parseTextPacket('2["hi"]', 10);
 * if (!(raw instanceof ProtocolError)) validateTextPacket(raw); // { type: 2, nsp: "/", data: ["hi"] }
 * ```
 */
export function validateTextPacket(raw: RawTextPacket): Packet | ProtocolError {
  const { type, nsp, data, id } = raw;
  const event = type === PACKET_EVENT || type === PACKET_BINARY_EVENT;
  if (
    (event || type === PACKET_ACK || type === PACKET_BINARY_ACK) &&
    Array.isArray(data) &&
    (id === undefined ? event : id <= MAX_ACK_ID) &&
    (!event || isEventName(data[0])) &&
    (nsp === "/" || isValidNamespace(nsp))
  ) {
    // The same fresh object validatePacket builds, keys in the same order.
    const packet: Packet = { type: event ? PACKET_EVENT : PACKET_ACK, nsp, data };
    if (id !== undefined) packet.id = id;
    return packet;
  }
  return validatePacket(raw, { binaryTypes: true });
}
