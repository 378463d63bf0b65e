/**
 * Binary values applications may emit, and how they reach the codecs. Codecs
 * take `Uint8Array`s only, so `ArrayBuffer`s, typed arrays and `DataView`s
 * are wrapped as `Uint8Array` views (no copy) before encoding; the MessagePack
 * codec then sends them as `bin`, the text codec as attachments. `Blob`s
 * (browsers, Node ≥ 18) need an asynchronous read: `resolveBlobs` does it.
 *
 * Received binary is always a `Uint8Array` (a `Buffer` in Node is one too).
 */

/** Deepest nesting walked when looking for binary values (deeper values are left as they are). */
const MAX_DEPTH = 32;

/** The part of a `Blob` we use (the client compiles without DOM types). */
interface BlobLike {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The runtime's `Blob` class, if it has one. */
const BlobClass = (globalThis as unknown as { Blob?: abstract new (...args: never[]) => BlobLike }).Blob;

/**
 * Replace `ArrayBuffer`s and non-`Uint8Array` views by `Uint8Array` views,
 * anywhere in `value`. Returns `value` itself when nothing had to change, and
 * never mutates it (changed containers are shallow-copied).
 *
 * @example
 * ```ts
 * normalizeBinary(["img", new Uint16Array([1, 2]).buffer]) // ["img", Uint8Array(4)]
 * ```
 */
export function normalizeBinary(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = normalizeBinary(value[i], depth + 1);
      if (item !== value[i]) {
        out ??= value.slice();
        out[i] = item;
      }
    }
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const original = (value as Record<string, unknown>)[key];
    const item = normalizeBinary(original, depth + 1);
    if (item !== original) {
      out ??= { ...(value as Record<string, unknown>) };
      out[key] = item;
    }
  }
  return out ?? value;
}

/** Whether `value` contains a `Blob` (always false where `Blob` does not exist). */
export function containsBlob(value: unknown, depth = 0): boolean {
  if (BlobClass === undefined || value === null || typeof value !== "object" || depth >= MAX_DEPTH) return false;
  if (value instanceof BlobClass) return true;
  if (Array.isArray(value)) return value.some((item) => containsBlob(item, depth + 1));
  if (!isPlainObject(value)) return false;
  return Object.values(value).some((item) => containsBlob(item, depth + 1));
}

/** A copy of `value` with every `Blob` read into a `Uint8Array`. */
export async function resolveBlobs(value: unknown, depth = 0): Promise<unknown> {
  if (!containsBlob(value, depth)) return value;
  if (BlobClass !== undefined && value instanceof BlobClass) return new Uint8Array(await value.arrayBuffer());
  if (Array.isArray(value)) return Promise.all(value.map((item) => resolveBlobs(item, depth + 1)));
  const entries = await Promise.all(
    Object.entries(value as Record<string, unknown>).map(async ([k, v]) => [k, await resolveBlobs(v, depth + 1)]),
  );
  return Object.fromEntries(entries);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
