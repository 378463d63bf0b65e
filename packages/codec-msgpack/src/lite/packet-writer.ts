import { MAX_ACK_ID, type Packet, PacketType } from "@cometa/protocol";
import { MsgpackCodecError } from "./codec-options.js";
import { beginEncode, endEncode, takeEncoded, writeMapHeader, writeValue } from "./value-writer.js";

/**
 * Encode a packet as one MessagePack map, byte-compatible with
 * socket.io-msgpack-parser: keys in the reference server's order
 * (`type,data,nsp`, `type,data,id,nsp`, and `id,type,data,nsp` for ACK, as its
 * `socket.ack()` builds it), `nsp` always present, absent `data`/`id` left out
 * (never nil), and the Cometa extension `mid` (EVENT only) last: official peers
 * ignore unknown keys. BINARY_EVENT/BINARY_ACK do not exist in MessagePack (the
 * reference decoder rejects them): binary lives inside EVENT/ACK data.
 *
 * Throws `MsgpackCodecError` (`ENCODE_INVALID_PACKET`) for a packet no peer
 * could accept: type not 0–4, nsp not a string, an ack id out of 0…2^31−1,
 * an ACK without id, a `mid` that is not a string. Programmer errors only.
 */
export function writePacket(packet: Packet): Uint8Array {
  const { type, nsp, data, id } = packet;
  const isAck = type === PacketType.ACK;
  const mid = type === PacketType.EVENT ? packet.mid : undefined;
  if (
    !(Number.isInteger(type) && type >= 0 && type <= PacketType.CONNECT_ERROR) ||
    typeof nsp !== "string" ||
    (id === undefined ? isAck : !(Number.isInteger(id) && id >= 0 && id <= MAX_ACK_ID)) ||
    (mid !== undefined && typeof mid !== "string")
  ) {
    throw new MsgpackCodecError("ENCODE_INVALID_PACKET", `cannot encode packet type ${type} id ${id}`);
  }
  beginEncode();
  try {
    writeMapHeader(2 + (data === undefined ? 0 : 1) + (id === undefined ? 0 : 1) + (mid === undefined ? 0 : 1));
    if (isAck) writeEntry("id", id);
    writeEntry("type", type);
    if (data !== undefined) writeEntry("data", data);
    if (id !== undefined && !isAck) writeEntry("id", id);
    writeEntry("nsp", nsp);
    if (mid !== undefined) writeEntry("mid", mid);
    return takeEncoded();
  } finally {
    endEncode();
  }
}

function writeEntry(key: string, value: unknown): void {
  writeValue(key);
  // The packet map is depth 0, so its values start at depth 1.
  writeValue(value, 1);
}
