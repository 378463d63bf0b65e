/**
 * Decoding side of the Socket.IO default parser: one decoder per
 * connection, because a BINARY_EVENT/BINARY_ACK text frame is followed by its
 * attachments as separate binary frames.
 */
import type { PacketDecoder } from "../codec.js";
import type { Frame } from "../engine/packet.js";
import { ProtocolError } from "../errors.js";
import type { Packet } from "../socketio/packet.js";
import type { ValueLimits } from "../socketio/value-guard.js";
import { toUint8Array } from "./binary.js";
import { guardJsonValue } from "./json-guard.js";
import { parseTextPacket, type RawTextPacket } from "./parse-text-packet.js";
import { fillPlaceholders, findPlaceholders, type PlaceholderSlot } from "./placeholders.js";
import { validateTextPacket } from "./validate-text-packet.js";

/** Turns the raw fields of a text frame into a packet (BINARY_* become EVENT/ACK), or rejects them. */
export type TextPacketCheck = (raw: RawTextPacket) => Packet | ProtocolError;

/** A binary packet waiting for its attachments. */
interface Pending {
  readonly packet: Packet;
  readonly slots: readonly PlaceholderSlot[];
  readonly expected: number;
  readonly attachments: Uint8Array[];
}

/**
 * A per-connection decoder of the text codec that checks packet shapes with
 * `check`: `validatePacket` (servers, {@link TextPacketDecoder}) or the
 * client's `trustedPacket`. Never throws: bad JSON, an invalid shape, a bad
 * placeholder, a binary frame when none is expected or a text frame while
 * attachments are pending all return a `ProtocolError` and reset the
 * decoder. Decoded binary values are `Uint8Array` views of the frames, not
 * copies, except a frame that is a window on a larger buffer (a transport's
 * pool or slab): it is copied, so an attachment the application keeps holds
 * only its own bytes.
 */
export function createTextDecoder(maxAttachments: number, limits: ValueLimits, check: TextPacketCheck): PacketDecoder {
  let pending: Pending | undefined;

  const addText = (text: string): Packet | undefined | ProtocolError => {
    const raw = parseTextPacket(text, maxAttachments);
    if (raw instanceof ProtocolError) return raw;
    const packet = check(raw);
    if (packet instanceof ProtocolError) return packet;
    // guardValue's checks and errors, faster for JSON.parse output.
    const unsafe = guardJsonValue(packet.data, limits);
    if (unsafe !== undefined) return unsafe;
    if (raw.attachments === 0) return packet;
    const slots = findPlaceholders(packet.data, raw.attachments);
    if (slots instanceof ProtocolError) return slots;
    pending = { packet, slots, expected: raw.attachments, attachments: [] };
    return undefined;
  };

  const addBinary = (bytes: Uint8Array): Packet | undefined | ProtocolError => {
    const waiting = pending;
    if (waiting === undefined) return new ProtocolError("INVALID_ATTACHMENTS", "unexpected binary frame");
    waiting.attachments.push(ownedBytes(toUint8Array(bytes)));
    if (waiting.attachments.length < waiting.expected) return undefined;
    pending = undefined;
    fillPlaceholders(waiting.slots, waiting.attachments);
    return waiting.packet;
  };

  return {
    add(frame: Frame) {
      if (typeof frame !== "string") return addBinary(frame);
      if (pending === undefined) return addText(frame);
      pending = undefined;
      return new ProtocolError("INVALID_ATTACHMENTS", "text frame while attachments are pending");
    },
    reset() {
      pending = undefined;
    },
  };
}

/** `validatePacket` for text frames: BINARY_EVENT/BINARY_ACK are valid here (see validate-text-packet.ts). */
export { validateTextPacket };

/**
 * Per-connection decoder of the text codec, validating every packet with
 * `validatePacket` (see {@link createTextDecoder} for the rest).
 */
export class TextPacketDecoder implements PacketDecoder {
  readonly #decoder: PacketDecoder;

  constructor(maxAttachments: number, limits: ValueLimits) {
    this.#decoder = createTextDecoder(maxAttachments, limits, validateTextPacket);
  }

  /** Feed one Engine.IO message payload; see {@link PacketDecoder.add}. */
  add(frame: Frame): Packet | undefined | ProtocolError {
    return this.#decoder.add(frame);
  }

  /** Drop a packet waiting for attachments. */
  reset(): void {
    this.#decoder.reset();
  }
}

/**
 * An attachment the application may keep for as long as it likes. A frame that
 * covers its whole buffer is handed over as it is; one that is a window on a
 * larger buffer (the server copies small frames into a shared 64 KiB slab, as
 * Node's Buffer pool does) is copied, or keeping 100 bytes would keep the slab.
 */
function ownedBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}
