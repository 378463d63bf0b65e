import {
  isValidAckId,
  isValidNamespace,
  MAX_MESSAGE_ID_LENGTH,
  type Packet,
  PacketType,
  type ProtocolError,
  RESERVED_EVENTS,
  validatePacket,
} from "@cometa/protocol";

/**
 * The fields of a decoded packet map, before validation. The reader fills one
 * straight from the root map (unknown keys such as the official client's
 * `options` are read, checked and dropped), so no intermediate object with
 * arbitrary keys is built. `undefined` means absent, as in `validatePacket`.
 */
export class RawPacket {
  type: unknown = undefined;
  nsp: unknown = undefined;
  data: unknown = undefined;
  id: unknown = undefined;
  mid: unknown = undefined;
}

// Bit n set when a reserved event name has n code units (n capped at 31): most
// event names skip the Set lookup, which would hash every fresh name string.
let reservedLengths = 0;
for (const name of RESERVED_EVENTS) reservedLengths |= 1 << Math.min(name.length, 31);

/**
 * `validatePacket(raw)` with a fast path for what real traffic is made of:
 * EVENT with a string name and ACK, with or without ack id and `mid`. Any
 * other packet, valid or not, goes through `validatePacket` itself, so the
 * result is always the one `validatePacket` returns (the unit tests compare
 * both over generated fields).
 */
export function toPacket(raw: RawPacket): Packet | ProtocolError {
  const { type, nsp, data, id, mid } = raw;
  if (
    (type === PacketType.EVENT || type === PacketType.ACK) &&
    Array.isArray(data) &&
    isValidNamespace(nsp) &&
    (id === undefined ? type === PacketType.EVENT : isValidAckId(id)) &&
    (mid === undefined || (typeof mid === "string" && mid.length > 0 && mid.length <= MAX_MESSAGE_ID_LENGTH))
  ) {
    // Same keys in the same order as validatePacket builds them; ACK drops `mid`.
    if (type === PacketType.ACK) return { type, nsp, data, id: id as number };
    const name: unknown = data[0];
    if (typeof name === "string" && !(((reservedLengths >>> Math.min(name.length, 31)) & 1) === 1 && RESERVED_EVENTS.has(name))) {
      if (mid !== undefined) return id === undefined ? { type, nsp, data, mid } : { type, nsp, data, id: id as number, mid };
      return id === undefined ? { type, nsp, data } : { type, nsp, data, id: id as number };
    }
  }
  return validatePacket(raw);
}
