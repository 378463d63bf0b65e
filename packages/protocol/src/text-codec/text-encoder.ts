/**
 * Encoding side of the Socket.IO default parser, byte-for-byte like
 * socket.io-parser 4.2 `Encoder` (PROTOCOL.md §3.4):
 *
 * ```
 * <type digit>[<attachments>-][<nsp>,][<ack id>][<JSON payload>]
 * ```
 */
import type { Frame } from "../engine/packet.js";
import { ProtocolError } from "../errors.js";
import {
  PACKET_ACK,
  PACKET_BINARY_ACK,
  PACKET_BINARY_EVENT,
  PACKET_CONNECT_ERROR,
  PACKET_EVENT,
  type Packet,
  type PacketType,
} from "../socketio/packet.js";
import { isEventName, isValidAckId, isValidNamespace, validatePacket } from "../socketio/validate.js";
import { deconstruct, hasBinary } from "./binary.js";

/**
 * Encode a packet as a text frame followed by one binary frame per
 * attachment. EVENT/ACK data holding binary values becomes BINARY_EVENT/
 * BINARY_ACK with `{"_placeholder":true,"num":i}` in place of each value.
 * The `mid` extension cannot travel in this format and is dropped.
 *
 * Throws the `ProtocolError` of {@link validatePacket} for an invalid packet,
 * `INVALID_NAMESPACE` for a namespace containing "," (the format cannot
 * delimit it), and JSON.stringify's TypeError for cyclic data: all programmer
 * errors. The input packet is never mutated.
 *
 * A CONNECT_ERROR may name any namespace string: it answers a refused CONNECT
 * (`ConnectRefusal`) and echoes the namespace the client sent, valid or not,
 * as the reference server does.
 */
export function encodeTextPacket(packet: Packet): Frame[] {
  if (isPlainEventOrAck(packet)) return writeTextPacket(packet);
  const echoes = packet.type === PACKET_CONNECT_ERROR && typeof packet.nsp === "string" && packet.nsp !== "/";
  // Validate everything but the echoed name (a copy only on this rare path).
  const valid = validatePacket(echoes ? { ...packet, nsp: "/" } : packet);
  if (valid instanceof ProtocolError) throw valid;
  if (echoes) valid.nsp = packet.nsp;
  return writeTextPacket(valid);
}

/** Read once: `Object.prototype` is where inherited packet fields would come from. */
const OBJECT_PROTOTYPE: object = Object.prototype;

/**
 * True for an EVENT or ACK that `validatePacket` accepts as it is: `type`,
 * `nsp` and `data` that pass its rules, a valid `id` or none (required on
 * ACK), and no `mid` (the text codec drops it), all own properties of a
 * plain object. Such a packet is written from its own fields without the
 * copy `validatePacket` makes; every other packet goes through
 * `validatePacket`, errors included.
 */
function isPlainEventOrAck(packet: Packet): boolean {
  // validatePacket reads own properties only. With the prototype Object.prototype, and none of the
  // packet keys on it, a plain read is an own read: cheaper than an Object.hasOwn per key, which
  // was 4 % of encoding a 100 B packet.
  if (typeof packet !== "object" || packet === null || Object.getPrototypeOf(packet) !== OBJECT_PROTOTYPE) return false;
  if ("type" in OBJECT_PROTOTYPE || "nsp" in OBJECT_PROTOTYPE || "data" in OBJECT_PROTOTYPE || "id" in OBJECT_PROTOTYPE || "mid" in OBJECT_PROTOTYPE) {
    return false;
  }
  const { type, nsp, data, id } = packet;
  const event = type === PACKET_EVENT;
  return (
    (event || type === PACKET_ACK) &&
    Array.isArray(data) &&
    (id === undefined ? event : isValidAckId(id)) &&
    (!event || isEventName(data[0])) &&
    (nsp === "/" || isValidNamespace(nsp)) &&
    packet.mid === undefined
  );
}

/**
 * {@link encodeTextPacket} without `validatePacket`, for a packet known to be
 * valid (the client builds its packets itself). Still throws for a namespace
 * with "," and for cyclic data.
 */
export function writeTextPacket(packet: Packet): Frame[] {
  const { type, nsp, data, id } = packet;
  if (nsp !== "/" && nsp.includes(",")) {
    throw new ProtocolError("INVALID_NAMESPACE", "a namespace with \",\" in the text codec");
  }
  if ((type === PACKET_EVENT || type === PACKET_ACK) && hasBinary(data)) {
    const attachments: Uint8Array[] = [];
    const json = JSON.stringify(deconstruct(data, attachments));
    const binaryType = type === PACKET_EVENT ? PACKET_BINARY_EVENT : PACKET_BINARY_ACK;
    const frames: Frame[] = [header(binaryType, attachments.length, nsp, id) + json];
    for (const attachment of attachments) frames.push(attachment);
    return frames;
  }
  // JSON.stringify returns undefined for data it drops (e.g. a lone function): write no payload then.
  const json = data === undefined ? undefined : JSON.stringify(data);
  const text = header(type, 0, nsp, id);
  return [json === undefined ? text : text + json];
}

/** Everything before the JSON payload. */
function header(type: PacketType, attachments: number, nsp: string, id: number | undefined): string {
  let out = String(type);
  if (attachments > 0) out += attachments + "-";
  if (nsp !== "/") out += nsp + ",";
  if (id !== undefined) out += id;
  return out;
}
