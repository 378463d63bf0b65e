import { type Packet, PacketType } from "@cometa/protocol";
import { checkPacket } from "./lite/packet-writer.js";
import { beginEncode, endEncode, takeEncoded, writeMapHeader, writeValue } from "./value-writer.js";

/**
 * The Node codec's packet encoder: the same bytes as the browser codec's
 * `writePacket` (`lite/packet-writer.ts`, which documents the layout: keys in
 * the reference server's order, absent fields left out, `mid` last on EVENT),
 * written entry by entry into the shared slab without building a map first.
 * Throws `MsgpackCodecError` (`ENCODE_INVALID_PACKET`) as `checkPacket` does.
 */
export function writePacket(packet: Packet): Uint8Array {
  const mid = checkPacket(packet);
  const { type, nsp, data, id } = packet;
  const isAck = type === PacketType.ACK;
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
