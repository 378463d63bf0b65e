import { isValidAckId, PACKET_ACK, PACKET_CONNECT_ERROR, PACKET_EVENT, type Packet } from "@cometa/protocol";
import { MsgpackCodecError } from "./codec-options.js";
import { writeDocument } from "./value-writer.js";

/**
 * Check that a packet can be encoded: throws `MsgpackCodecError`
 * (`ENCODE_INVALID_PACKET`) for a packet no peer could accept (type not 0–4,
 * nsp not a string, an ack id out of 0…2^31−1, an ACK without id, a `mid`
 * that is not a string). Programmer errors only. Returns the `mid` to write:
 * EVENT packets carry it, others drop it.
 */
export function checkPacket(packet: Packet): string | undefined {
  const { type, nsp, id } = packet;
  const mid = type === PACKET_EVENT ? packet.mid : undefined;
  if (
    !(Number.isInteger(type) && type >= 0 && type <= PACKET_CONNECT_ERROR) ||
    typeof nsp !== "string" ||
    (id === undefined ? type === PACKET_ACK : !isValidAckId(id)) ||
    (mid !== undefined && typeof mid !== "string")
  ) {
    throw new MsgpackCodecError("ENCODE_INVALID_PACKET", `invalid packet type ${type} or id ${id}`);
  }
  return mid;
}

/**
 * Encode a packet as one MessagePack map, byte-compatible with
 * socket.io-msgpack-parser: keys in the reference server's order
 * (`type,data,nsp`, `type,data,id,nsp`, and `id,type,data,nsp` for ACK, as its
 * `socket.ack()` builds it), `nsp` always present, absent `data`/`id` left out
 * (never nil), and the Cometa extension `mid` (EVENT only) last: official peers
 * ignore unknown keys. BINARY_EVENT/BINARY_ACK do not exist in MessagePack (the
 * reference decoder rejects them): binary lives inside EVENT/ACK data.
 * Throws as {@link checkPacket} does.
 */
export function writePacket(packet: Packet): Uint8Array {
  const mid = checkPacket(packet);
  return writeTrustedPacket(mid === packet.mid ? packet : { ...packet, mid });
}

/**
 * {@link writePacket} without the checks, for a packet known to be valid
 * (the client builds its packets itself, and sets `mid` on EVENTs only).
 */
export function writeTrustedPacket(packet: Packet): Uint8Array {
  const { type, nsp, data, id, mid } = packet;
  // The writer leaves the undefined fields of this map out.
  return writeDocument(type === PACKET_ACK ? { id, type, data, nsp } : { type, data, id, nsp, mid });
}
