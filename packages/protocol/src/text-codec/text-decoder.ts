/**
 * Decoding side of the Socket.IO default parser: one instance per
 * connection, because a BINARY_EVENT/BINARY_ACK text frame is followed by its
 * attachments as separate binary frames.
 */
import type { PacketDecoder } from "../codec.js";
import type { Frame } from "../engine/packet.js";
import { ProtocolError } from "../errors.js";
import type { Packet } from "../socketio/packet.js";
import { guardValue, type ValueLimits } from "../socketio/value-guard.js";
import { validatePacket } from "../socketio/validate.js";
import { toUint8Array } from "./binary.js";
import { parseTextPacket } from "./parse-text-packet.js";
import { fillPlaceholders, findPlaceholders, type PlaceholderSlot } from "./placeholders.js";

/** A binary packet waiting for its attachments. */
interface Pending {
  readonly packet: Packet;
  readonly slots: readonly PlaceholderSlot[];
  readonly expected: number;
  readonly attachments: Uint8Array[];
}

/**
 * Per-connection decoder of the text codec. Never throws: bad JSON, an
 * invalid shape, a bad placeholder, a binary frame when none is expected or a
 * text frame while attachments are pending all return a `ProtocolError` and
 * reset the decoder. Decoded binary values are `Uint8Array` views of the
 * frames (not copies).
 */
export class TextPacketDecoder implements PacketDecoder {
  #pending: Pending | undefined;

  constructor(
    private readonly maxAttachments: number,
    private readonly limits: ValueLimits,
  ) {}

  /** Feed one Engine.IO message payload; see {@link PacketDecoder.add}. */
  add(frame: Frame): Packet | undefined | ProtocolError {
    if (typeof frame === "string") {
      if (this.#pending !== undefined) {
        this.#pending = undefined;
        return new ProtocolError("INVALID_ATTACHMENTS", "text frame while attachments are pending");
      }
      return this.#addText(frame);
    }
    return this.#addBinary(frame);
  }

  /** Drop a packet waiting for attachments. */
  reset(): void {
    this.#pending = undefined;
  }

  #addText(text: string): Packet | undefined | ProtocolError {
    const raw = parseTextPacket(text, this.maxAttachments);
    if (raw instanceof ProtocolError) return raw;
    const packet = validatePacket(raw, { binaryTypes: true });
    if (packet instanceof ProtocolError) return packet;
    const unsafe = guardValue(packet.data, this.limits);
    if (unsafe !== undefined) return unsafe;
    if (raw.attachments === 0) return packet;
    const slots = findPlaceholders(packet.data, raw.attachments);
    if (slots instanceof ProtocolError) return slots;
    this.#pending = { packet, slots, expected: raw.attachments, attachments: [] };
    return undefined;
  }

  #addBinary(bytes: Uint8Array): Packet | undefined | ProtocolError {
    const pending = this.#pending;
    if (pending === undefined) return new ProtocolError("INVALID_ATTACHMENTS", "unexpected binary frame");
    pending.attachments.push(toUint8Array(bytes));
    if (pending.attachments.length < pending.expected) return undefined;
    this.#pending = undefined;
    fillPlaceholders(pending.slots, pending.attachments);
    return pending.packet;
  }
}
