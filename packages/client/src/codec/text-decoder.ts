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
  PACKET_BINARY_EVENT,
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
 * Parse and check one text frame. Returns the packet with its placeholder
 * slots and declared attachment count, or the reason it is rejected.
 */
export function readTextPacket(text: string): [Packet, Slot[], number] | ProtocolError {
  let type = text.charCodeAt(0) - 48;
  let i = 1;
  /** The run of ASCII digits at `i` (possibly empty); moves `i` past it. */
  const digits = (): string => {
    const start = i;
    while (text.charCodeAt(i) > 47 && text.charCodeAt(i) < 58) i++;
    return text.slice(start, i);
  };

  let attachments = 0;
  if (type >= PACKET_BINARY_EVENT && type < 7) {
    const count = digits();
    attachments = +count;
    if (!count || text[i++] !== "-" || !(attachments > 0 && attachments <= DEFAULT_MAX_ATTACHMENTS)) return failure("INVALID_ATTACHMENTS");
    // BINARY_EVENT/BINARY_ACK are EVENT/ACK whose binary arrives in the next frames.
    type -= 3;
  } else if (!(type >= 0 && type < 5)) return failure("INVALID_PACKET");

  let nsp = "/";
  if (text[i] === "/") {
    // The namespace runs to the first comma, or to the end of the frame.
    const comma = text.indexOf(",", i);
    const end = comma < 0 ? text.length : comma;
    nsp = text.slice(i, end);
    i = end + 1;
  }
  const idDigits = digits();
  const id = idDigits ? +idDigits : undefined;
  if (id! > MAX_ACK_ID) return failure("INVALID_ACK_ID");

  let data: unknown;
  if (i < text.length) {
    try {
      // V8's JSON.parse is iterative: deep nesting cannot overflow the stack here; the walk below bounds it.
      data = JSON.parse(text.slice(i));
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

  // One walk: the value limits, and the placeholders of a binary packet.
  const slots: Slot[] = [];
  let badPlaceholder: ProtocolError | undefined;
  // One stack of (depth, value) pairs, flat: no per-node allocation.
  const stack: unknown[] = [data, 0];
  let nodes = 0;
  while (stack.length > 0) {
    const depth = stack.pop() as number;
    const value = stack.pop() as Record<string, unknown>;
    if (++nodes > maxNodes) return failure("DECODE_BUDGET_EXCEEDED");
    if (value === null || typeof value !== "object") continue;
    if (depth >= maxDepth) return failure("DECODE_DEPTH_EXCEEDED");
    // JSON.parse creates an own "__proto__" property, a trap for code that copies the value.
    if (Object.hasOwn(value, "__proto__")) return failure("DECODE_FORBIDDEN_KEY");
    // Object.keys gives array indices too (as strings, which index arrays the same).
    for (const key of Object.keys(value)) {
      const item = value[key] as Record<string, unknown>;
      stack.push(item, depth + 1);
      if (attachments && item !== null && typeof item === "object" && !Array.isArray(item) && Object.hasOwn(item, "_placeholder") && item._placeholder === true) {
        const { num } = item;
        if (Object.keys(item).length === 2 && Object.hasOwn(item, "num") && Number.isInteger(num) && (num as number) >= 0 && (num as number) < attachments) {
          slots.push([value, key, num as number]);
        } else badPlaceholder ??= failure("INVALID_ATTACHMENTS");
      }
    }
  }
  if (badPlaceholder) return badPlaceholder;
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
