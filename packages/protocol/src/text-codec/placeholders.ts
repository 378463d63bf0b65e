/**
 * Placeholders of a BINARY_EVENT/BINARY_ACK: `{"_placeholder":true,"num":i}`
 * marks where attachment `i` goes. socket.io-parser trusted `num`
 * (CVE-2022-2421: `"num":"splice"` put a function into the arguments); here a
 * placeholder must be exactly that object with an integer `num` below the
 * declared attachment count, or the packet is rejected.
 */
import { ProtocolError } from "../errors.js";

/** Where one attachment goes: `container[key] = attachments[num]`. */
export interface PlaceholderSlot {
  readonly container: Record<string, unknown> | unknown[];
  readonly key: string | number;
  readonly num: number;
}

/**
 * Find every placeholder in `data` (already checked by `guardValue`, so it is
 * plain and shallow enough). Any object with an own `_placeholder: true` must
 * be a valid placeholder; other objects are ordinary data.
 */
export function findPlaceholders(data: unknown, attachments: number): PlaceholderSlot[] | ProtocolError {
  const slots: PlaceholderSlot[] = [];
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const container = stack.pop();
    if (container === null || typeof container !== "object" || container instanceof Uint8Array) continue;
    const record = container as Record<string, unknown>;
    // Object.keys gives array indices too (as strings, which index arrays the same).
    for (const key of Object.keys(record)) {
      const item = record[key];
      const num = placeholderNum(item, attachments);
      if (num instanceof ProtocolError) return num;
      if (num === undefined) stack.push(item);
      else slots.push({ container: record, key, num });
    }
  }
  return slots;
}

/** The attachment index if `value` is a placeholder, undefined if it is not one, an error if it is a bad one. */
function placeholderNum(value: unknown, attachments: number): number | undefined | ProtocolError {
  if (value === null || typeof value !== "object" || !Object.hasOwn(value, "_placeholder")) return undefined;
  const { _placeholder, num } = value as { _placeholder: unknown; num?: unknown };
  if (_placeholder !== true || Array.isArray(value)) return undefined;
  if (Object.keys(value).length !== 2 || !Object.hasOwn(value, "num") || !Number.isInteger(num)) {
    return new ProtocolError("INVALID_ATTACHMENTS", "malformed attachment placeholder");
  }
  return (num as number) >= 0 && (num as number) < attachments
    ? (num as number)
    : new ProtocolError("INVALID_ATTACHMENTS", "attachment placeholder out of range");
}

/** Put each attachment in its slot (called once all attachments arrived). */
export function fillPlaceholders(slots: readonly PlaceholderSlot[], attachments: readonly Uint8Array[]): void {
  for (const { container, key, num } of slots) (container as Record<string | number, unknown>)[key] = attachments[num];
}
