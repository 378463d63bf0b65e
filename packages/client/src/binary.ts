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
 * Emit arguments made ready for a codec: `value` itself when it holds no
 * `Blob` (the common case, synchronous, walked once), else a promise of a
 * copy with every `Blob` read into a `Uint8Array` (all read at once; only
 * the containers on the way to a Blob are copied, the input is never
 * mutated). Arrays and plain objects are walked to {@link MAX_DEPTH};
 * class instances are left as they are.
 *
 * @example
 * ```ts
 * prepareArgs(["file", blob]) // Promise of ["file", Uint8Array]
 * prepareArgs(["n", 1])       // the same array
 * ```
 */
export function prepareArgs<T>(value: T): T | Promise<T> {
  const reads: Promise<void>[] = [];
  /** `item`, or its copy whose Blobs are filled in as their reads complete. */
  const walk = (item: unknown, depth: number): unknown => {
    const proto = item !== null && typeof item === "object" && Object.getPrototypeOf(item);
    if (depth >= MAX_DEPTH || !(Array.isArray(item) || proto === Object.prototype || proto === null)) return item;
    const record = item as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(record)) {
      const child = record[key];
      const blob = isBlob(child);
      const next = blob ? child : walk(child, depth + 1);
      if (next === child && !blob) continue;
      out ??= (Array.isArray(item) ? item.slice() : { ...record }) as Record<string, unknown>;
      const target = out;
      if (!blob) target[key] = next;
      else {
        reads.push(
          child.arrayBuffer().then((bytes) => {
            target[key] = new Uint8Array(bytes);
          }),
        );
      }
    }
    return out ?? item;
  };
  const prepared = walk(value, 0) as T;
  return reads.length === 0 ? value : Promise.all(reads).then(() => prepared);
}
