/**
 * Binary values applications may emit. The codecs take `ArrayBuffer`s and
 * every view of one (`Uint8Array`, other typed arrays, `DataView`, `Buffer`)
 * as they are: the MessagePack codec sends them as `bin`, the text codec as
 * attachments. Only `Blob`s (browsers, Node ≥ 18) need work first, an
 * asynchronous read: `prepareArgs` does it.
 *
 * Received binary is always a `Uint8Array` (a `Buffer` in Node is one too).
 */

/** Deepest nesting walked when looking for Blobs (deeper values are left as they are). */
const MAX_DEPTH = 32;

/** The part of a `Blob` we use (the client compiles without DOM types). */
interface BlobLike {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The runtime's `Blob` class, if it has one. */
const BlobClass = (globalThis as unknown as { Blob?: abstract new () => BlobLike }).Blob;

const isBlob = (value: unknown): value is BlobLike => BlobClass !== undefined && value instanceof BlobClass;

/**
 * `value` with `leaf` applied to every value inside it, walking arrays and
 * plain objects. Containers are shallow-copied only on the way to a changed
 * value; nothing changed gives `value` itself, and the input is never mutated.
 */
function mapDeep(value: unknown, leaf: (value: unknown) => unknown, depth = 0): unknown {
  const mapped = leaf(value);
  if (mapped !== value || value === null || typeof value !== "object" || depth >= MAX_DEPTH) return mapped;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value; // class instances stay as they are
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const next = mapDeep(record[key], leaf, depth + 1);
    if (next === record[key]) continue;
    out ??= (Array.isArray(value) ? value.slice() : { ...record }) as Record<string, unknown>;
    out[key] = next;
  }
  return out ?? value;
}

/**
 * Emit arguments made ready for a codec: `value` itself when it holds no
 * `Blob` (the common case, synchronous, walked once), else a promise of a
 * copy with every `Blob` read into a `Uint8Array` (all read at once; only
 * the containers on the way to a Blob are copied, the input is never mutated).
 *
 * @example
 * ```ts
 * prepareArgs(["file", blob]) // Promise of ["file", Uint8Array]
 * prepareArgs(["n", 1])       // the same array
 * ```
 */
export function prepareArgs<T>(value: T): T | Promise<T> {
  const reads: Promise<ArrayBuffer>[] = [];
  mapDeep(value, (item) => {
    if (isBlob(item)) reads.push(item.arrayBuffer());
    return item;
  });
  if (reads.length === 0) return value;
  // The second walk visits the Blobs in the same order as the first.
  return Promise.all(reads).then((buffers) => mapDeep(value, (item) => (isBlob(item) ? new Uint8Array(buffers.shift()!) : item)) as T);
}
