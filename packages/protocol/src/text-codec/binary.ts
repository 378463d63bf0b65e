/**
 * Binary values in the text codec: detection and normalisation to
 * `Uint8Array`. Accepted like socket.io-parser's `isBinary`: `ArrayBuffer` and
 * every `ArrayBuffer` view (Node `Buffer`, typed arrays, `DataView`). Blob and
 * File are browser-only and asynchronous to read, so they are not supported
 * here (this package has no DOM types).
 */

const hasOwnKey = Object.prototype.hasOwnProperty;

/** True for an `ArrayBuffer` or any view of one. */
export function isBinary(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/**
 * The bytes of a binary value as a plain `Uint8Array`, without copying: a view
 * over the same memory (so a `Buffer` or a `subarray` keeps its offset).
 */
export function toUint8Array(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (value.constructor === Uint8Array) return value as Uint8Array;
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** True when JSON.stringify would call `data.toJSON()` and socket.io-parser follows it (one level only). */
function followsToJSON(data: object, followed: boolean): data is { toJSON(): unknown } {
  return !followed && typeof (data as { toJSON?: unknown }).toJSON === "function";
}

/**
 * True if `data` contains a binary value anywhere, following one level of
 * `toJSON` like socket.io-parser's `hasBinary` (so an object whose `toJSON`
 * returns bytes counts).
 */
export function hasBinary(data: unknown, followed = false): boolean {
  if (data === null || typeof data !== "object") return false;
  // Loops with the scalar test inline: most values are scalars, and a call per value (or a
  // closure per array) was a fifth of the time of encoding a 64 KB packet.
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      const item: unknown = data[i];
      if (typeof item === "object" && item !== null && hasBinary(item)) return true;
    }
    return false;
  }
  if (isBinary(data)) return true;
  if (followsToJSON(data, followed)) return hasBinary(data.toJSON(), true);
  for (const key in data) {
    // Not Object.hasOwn: V8 reduces hasOwnProperty.call on the for-in key to a map check, and
    // Object.hasOwn made this walk 2.5 times as slow.
    if (!hasOwnKey.call(data, key)) continue;
    const item: unknown = (data as Record<string, unknown>)[key];
    if (typeof item === "object" && item !== null && hasBinary(item)) return true;
  }
  return false;
}

/**
 * Copy `data`, replacing each binary value with `{"_placeholder":true,"num":i}`
 * and appending its bytes to `attachments` (socket.io-parser
 * `deconstructPacket`, without mutating the input).
 */
export function deconstruct(data: unknown, attachments: Uint8Array[], followed = false): unknown {
  if (data === null || typeof data !== "object") return data;
  if (isBinary(data)) return { _placeholder: true, num: attachments.push(toUint8Array(data)) - 1 };
  if (Array.isArray(data)) return data.map((item) => deconstruct(item, attachments));
  // Dates stay as they are: JSON.stringify turns them into ISO strings.
  if (data instanceof Date) return data;
  if (followsToJSON(data, followed)) return deconstruct(data.toJSON(), attachments, true);
  const out: Record<string, unknown> = {};
  for (const key in data) {
    if (!Object.hasOwn(data, key)) continue;
    const value = deconstruct((data as Record<string, unknown>)[key], attachments);
    // Plain assignment to "__proto__" would change the copy's prototype instead of adding a key.
    if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}
