/**
 * Binary values applications may emit, and how they reach the codecs. Codecs
 * take `Uint8Array`s only, so `ArrayBuffer`s, typed arrays and `DataView`s
 * are wrapped as `Uint8Array` views (no copy) before encoding; the MessagePack
 * codec then sends them as `bin`, the text codec as attachments. `Blob`s
 * (browsers, Node ≥ 18) need an asynchronous read: `prepareArgs` does it.
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

/** `item` as a `Uint8Array` view when it is an `ArrayBuffer` or another view, else `item` itself. */
const toBytes = (item: unknown): unknown =>
  item instanceof ArrayBuffer
    ? new Uint8Array(item)
    : ArrayBuffer.isView(item) && !(item instanceof Uint8Array)
      ? new Uint8Array(item.buffer, item.byteOffset, item.byteLength)
      : item;

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
export function normalizeBinary(value: unknown): unknown {
  return mapDeep(value, toBytes);
}

/**
 * Emit arguments made ready for a codec: binary normalised as by
 * {@link normalizeBinary}, and, when they hold `Blob`s, a promise of a copy
 * with every `Blob` read into a `Uint8Array` (all read at once). Without
 * `Blob`s the result is synchronous, and the arguments are walked once.
 *
 * @example
 * ```ts
 * prepareArgs(["file", blob]) // Promise of ["file", Uint8Array]
 * ```
 */
export function prepareArgs<T>(value: T): T | Promise<T> {
  const reads: Promise<ArrayBuffer>[] = [];
  const normal = mapDeep(value, (item) => {
    if (isBlob(item)) reads.push(item.arrayBuffer());
    return toBytes(item);
  });
  if (reads.length === 0) return normal as T;
  // The second walk visits the Blobs in the same order as the first.
  return Promise.all(reads).then((buffers) => mapDeep(normal, (item) => (isBlob(item) ? new Uint8Array(buffers.shift()!) : item)) as T);
}
