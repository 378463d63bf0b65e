/**
 * The decoding half of the client's text codec (Socket.IO default parser:
 * JSON + binary attachments). One pass per frame does what the protocol
 * package's decoder does in four (`parseTextPacket`, `trustedPacket`,
 * `guardValue`, `findPlaceholders`), with the same rules and limits:
 *
 * - the frame's fields: type digit, attachment count (1…10, socket.io-parser's
 *   `maxAttachments`), namespace up to the first comma, ack id of ASCII digits
 *   only (at most 2^31−1), then JSON;
 * - the packet shape a client acts on (`trustedPacket`'s rules): ACK needs an
 *   id, EVENT and ACK data are arrays, an event name is a string or a number;
 * - the value hardening of every Cometa decoder (`guardValue`): at most
 *   `maxNodes` values, nesting below `maxDepth`, no own `__proto__` key.
 *   `JSON.parse` produces only null, booleans, numbers, strings, arrays and
 *   plain objects, so the type checks `guardValue` adds for other formats
 *   cannot fail here and are left out;
 * - attachment placeholders (CVE-2022-2421): in a BINARY_EVENT/BINARY_ACK an
 *   object with an own `_placeholder: true` must be exactly
 *   `{"_placeholder":true,"num":n}` with an integer `n` below the declared
 *   count, or the packet is rejected.
 *
 * As in the protocol's decoder, a value error is reported before a
 * placeholder error, and a failed frame resets the decoder.
 */
import {
  DEFAULT_MAX_ATTACHMENTS,
  DEFAULT_VALUE_LIMITS,
  type Frame,
  MAX_ACK_ID,
  PACKET_ACK,
  PACKET_EVENT,
  type Packet,
  type PacketDecoder,
  type PacketType,
  ProtocolError,
  type ProtocolErrorCode,
} from "@cometa/protocol";

const { maxDepth, maxNodes } = DEFAULT_VALUE_LIMITS;

/** Where one attachment goes: `container[key] = attachments[num]`. */
type Slot = [container: Record<string, unknown>, key: string, num: number];

/** A binary packet waiting for its attachments. */
type Pending = [packet: Packet, slots: Slot[], attachments: Uint8Array[], expected: number];

/** A `ProtocolError` whose message is its code in words: the code says it all, and the bundle stays small. */
export const failure = (code: ProtocolErrorCode): ProtocolError => new ProtocolError(code, code.toLowerCase().replace(/_/g, " "));

/**
 * The frame's header: a type digit (0–4), or 5/6 with an attachment count and
 * "-"; then a namespace up to the first comma (or the end); then an ack id of
 * ASCII digits. The JSON is what follows.
 */
const HEADER = /^(?:([0-4])|([56])(\d+)-)(?:(\/[^,]*),?)?(\d*)/;

/**
 * Parse and check one text frame. Returns the packet with its placeholder
 * slots and declared attachment count, or the reason it is rejected.
 */
export function readTextPacket(text: string): [Packet, Slot[], number] | ProtocolError {
  const header = HEADER.exec(text);
  // BINARY_EVENT/BINARY_ACK are EVENT/ACK whose binary arrives in the next frames.
  const type = header ? +(header[1] ?? +header[2]! - 3) : -1;
  const attachments = header?.[3] ? +header[3] : 0;
  if (!header || (header[2] && !(attachments > 0 && attachments <= DEFAULT_MAX_ATTACHMENTS))) {
    return failure(text[0] === "5" || text[0] === "6" ? "INVALID_ATTACHMENTS" : "INVALID_PACKET");
  }
  const nsp = header[4] ?? "/";
  const id = header[5] ? +header[5] : undefined;
  if (id! > MAX_ACK_ID) return failure("INVALID_ACK_ID");
  const json = text.slice(header[0].length);

  let data: unknown;
  if (json) {
    try {
      // V8's JSON.parse is iterative: deep nesting cannot overflow the stack here; the walk below bounds it.
      data = JSON.parse(json);
    } catch {
      return failure("DECODE_MALFORMED");
    }
  }
  const list = Array.isArray(data);
  if (
    (type === PACKET_ACK && (id === undefined || !list)) ||
    (type === PACKET_EVENT && !(list && ["string", "number"].includes(typeof (data as unknown[])[0])))
  ) {
    return failure("INVALID_PACKET");
  }

  // One walk: the value limits, and the placeholders of a binary packet. Depth first, last key first, as the
  // protocol's `guardValue` walks, so a frame with several faults gets the same verdict.
  const slots: Slot[] = [];
  let badPlaceholder: ProtocolError | undefined;
  let nodes = 0;
  const walk = (value: Record<string, unknown>, depth: number): ProtocolError | undefined => {
    if (++nodes > maxNodes) return failure("DECODE_BUDGET_EXCEEDED");
    if (value === null || typeof value !== "object") return;
    if (depth >= maxDepth) return failure("DECODE_DEPTH_EXCEEDED");
    // JSON.parse creates an own "__proto__" property, a trap for code that copies the value.
    if (Object.hasOwn(value, "__proto__")) return failure("DECODE_FORBIDDEN_KEY");
    // Object.keys gives array indices too (as strings, which index arrays the same).
    const keys = Object.keys(value);
    for (const key of keys) {
      const item = value[key] as Record<string, unknown>;
      if (attachments && item?._placeholder === true && Object.hasOwn(item, "_placeholder") && !Array.isArray(item)) {
        const { num } = item;
        if (Object.keys(item).length === 2 && Object.hasOwn(item, "num") && Number.isInteger(num) && (num as number) >= 0 && (num as number) < attachments) {
          slots.push([value, key, num as number]);
        } else badPlaceholder ??= failure("INVALID_ATTACHMENTS");
      }
    }
    // Recursion is bounded by maxDepth.
    for (let i = keys.length; i--; ) {
      const error = walk(value[keys[i]!] as Record<string, unknown>, depth + 1);
      if (error) return error;
    }
  };
  const error = walk(data as Record<string, unknown>, 0) ?? badPlaceholder;
  if (error) return error;
  // Keys only when present, as the protocol's decoders build them.
  const packet: Packet = { type: type as PacketType, nsp };
  if (data !== undefined) packet.data = data;
  if (id !== undefined) packet.id = id;
  return [packet, slots, attachments];
}

/**
 * A per-connection decoder: a BINARY_EVENT/BINARY_ACK text frame is followed
 * by its attachments as binary frames. Never throws: invalid input, a binary
 * frame when none is expected and a text frame while attachments are pending
 * return a `ProtocolError` and reset the decoder. Binary values are the
 * attachment frames as `Uint8Array`s (not copies).
 */
export function createTextDecoder(): PacketDecoder {
  let pending: Pending | undefined;
  return {
    add(frame: Frame) {
      const waiting = pending;
      if (typeof frame === "string") {
        pending = undefined;
        if (waiting) return failure("INVALID_ATTACHMENTS");
        const read = readTextPacket(frame);
        if (read instanceof ProtocolError || !read[2]) return read instanceof ProtocolError ? read : read[0];
        pending = [read[0], read[1], [], read[2]];
        return undefined;
      }
      if (!waiting) return failure("INVALID_ATTACHMENTS");
      const [packet, slots, attachments, expected] = waiting;
      // Transports hand over plain Uint8Arrays (a Node Buffer would be one too): kept as they are.
      attachments.push(frame);
      if (attachments.length < expected) return undefined;
      pending = undefined;
      for (const [container, key, num] of slots) container[key] = attachments[num];
      return packet;
    },
    reset() {
      pending = undefined;
    },
  };
}
