import { MsgpackCodecError } from "./codec-options.js";

/*
 * The browser codec's MessagePack writer, written for size. It produces
 * exactly what official Socket.IO peers (notepack.io) decode, with msgpackr's
 * choice of number encodings, and the same bytes as the Node codec's writer
 * (`../value-writer.ts`, built for speed; the property tests compare both):
 *
 * - integers in the uint32/int32 range use the smallest int form, everything
 *   else (fractions, ±2^32 and beyond, NaN, ±Infinity) is float64;
 * - every ArrayBuffer, typed array, DataView and Buffer is `bin` (notepack's
 *   ext-0 form decodes to `[0, ArrayBuffer]` in browsers, an interop trap);
 * - Date is notepack's fixext 8 of type 0, `undefined` is fixext 1 of type 0;
 * - objects with `toJSON()` are written through it, other objects as maps of
 *   their own enumerable keys; function- and symbol-valued keys are skipped
 *   and such values in arrays are written as nil, like JSON.
 *
 * Each packet is built in one reused buffer and copied out.
 */

const START_SIZE = 1024;
// A buffer grown past this by one huge packet is not kept for the next packets.
const RETAINED_MAX = 1 << 20;
// Deep enough for any sane payload; stops cycles with a clear error instead of a stack overflow.
const MAX_ENCODE_DEPTH = 1000;

let buf = new Uint8Array(START_SIZE);
let pos = 0;
let busy = false;
const utf8 = new TextEncoder();
// Floats and dates are written through an 8-byte scratch, so `buf` can be replaced freely.
const scratchBytes = new Uint8Array(8);
const scratch = new DataView(scratchBytes.buffer);

/**
 * Encode one document: `value`, or for a packet map (an object at depth 0)
 * its entries without the `undefined` ones. Throws `MsgpackCodecError` for
 * values no peer could read and when called from a `toJSON()` it runs.
 */
export function writeDocument(value: unknown): Uint8Array {
  if (busy) throw new MsgpackCodecError("ENCODE_UNSUPPORTED_VALUE", "re-entrant encode (toJSON?)");
  busy = true;
  pos = 0;
  try {
    writeValue(value);
    return buf.slice(0, pos);
  } finally {
    busy = false;
    if (buf.length > RETAINED_MAX) buf = new Uint8Array(START_SIZE);
  }
}

/** Room for `n` more bytes. */
function ensure(n: number): void {
  if (pos + n > buf.length) {
    const old = buf;
    buf = new Uint8Array((pos + n) * 2);
    buf.set(old);
  }
}

/** The scratch's 8 bytes, after the header byte `first`. */
function putScratch(first: number): void {
  put(first);
  buf.set(scratchBytes, pos);
  pos += 8;
}

/** The byte `first`, then the low `width` bytes of `n`'s 32-bit two's complement, big-endian. */
function put(first: number, n = 0, width = 0): void {
  buf[pos++] = first;
  for (let i = pos + width - 1; i >= pos; i--) {
    buf[i] = n & 0xff;
    n >>= 8;
  }
  pos += width;
}

/**
 * A str/bin/array/map header for `n`: `fix | n` below `fixLimit`, else the
 * 8-bit (str/bin only), 16-bit or 32-bit form, numbered from `first`.
 */
function putHeader(n: number, fix: number, fixLimit: number, first: number, has8?: boolean): void {
  ensure(5);
  if (n < fixLimit) put(fix | n);
  else if (has8 && n < 0x100) put(first, n, 1);
  else put(n < 0x10000 ? first + 1 : first + 2, n, n < 0x10000 ? 2 : 4);
}

function writeValue(value: unknown, depth = 0): void {
  const kind = typeof value;
  ensure(10);
  if (kind === "string") {
    // UTF-8 needs at most 3 bytes per UTF-16 unit; lone surrogates become U+FFFD, as in every TextEncoder.
    ensure(5 + (value as string).length * 3);
    const at = pos + 5;
    let bytes = 0;
    // ASCII by hand: a TextEncoder call costs more than a whole short key.
    while (bytes < (value as string).length) {
      const c = (value as string).charCodeAt(bytes);
      if (c > 0x7f) {
        bytes = utf8.encodeInto(value as string, buf.subarray(at)).written;
        break;
      }
      buf[at + bytes++] = c;
    }
    putHeader(bytes, 0xa0, 32, 0xd9, true);
    buf.copyWithin(pos, at, at + bytes);
    pos += bytes;
  } else if (kind === "number") writeNumber(value as number);
  else if (kind === "object") writeObject(value as object | null, depth);
  else if (kind === "boolean") put(value ? 0xc3 : 0xc2);
  else if (kind === "undefined") put(0xd4, 0, 2);
  else throw new MsgpackCodecError("ENCODE_UNSUPPORTED_VALUE", `cannot encode a ${kind}`);
}

function writeNumber(n: number): void {
  if (n >>> 0 === n || n >> 0 === n) {
    // An int32/uint32: a fixint, or the smallest uint/int form. A negative n
    // fits w bytes when 2·~n < 2^(8w), a positive one when n < 2^(8w).
    const magnitude = n < 0 ? ~n * 2 : n;
    const width = magnitude < 0x100 ? 1 : magnitude < 0x10000 ? 2 : 4;
    if (n < 0x80 && n >= -0x20) put(n & 0xff);
    else put((n < 0 ? 0xd0 : 0xcc) + (width >> 1), n, width);
  } else {
    scratch.setFloat64(0, n);
    putScratch(0xcb);
  }
}

function writeObject(value: object | null, depth: number): void {
  if (value === null) put(0xc0);
  else if (depth >= MAX_ENCODE_DEPTH) throw new MsgpackCodecError("ENCODE_TOO_DEEP", `depth > ${MAX_ENCODE_DEPTH} (a cycle?)`);
  else if (Array.isArray(value)) {
    putHeader(value.length, 0x90, 16, 0xdb);
    for (const item of value) writeValue(isSkipped(item) ? null : item, depth + 1);
  } else if (value instanceof Date) {
    // notepack's split into int32 high and uint32 low halves; NaN (invalid date) becomes 0.
    const time = value.getTime();
    scratch.setInt32(0, Math.floor(time / 0x100000000));
    scratch.setUint32(4, time);
    put(0xd7);
    putScratch(0);
  } else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    // An ArrayBuffer has no .buffer and no .byteOffset: the view then covers all of it.
    const { buffer, byteOffset, byteLength } = value as Partial<ArrayBufferView>;
    const bytes = new Uint8Array(buffer ?? (value as ArrayBuffer), byteOffset, byteLength);
    putHeader(bytes.length, 0, 0, 0xc4, true);
    ensure(bytes.length);
    buf.set(bytes, pos);
    pos += bytes.length;
  } else {
    // Other objects go through toJSON() when they have one (Buffer's, also a toJSON, never gets here).
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    const json: unknown = typeof toJSON === "function" ? toJSON.call(value) : value;
    if (json !== value) writeValue(json, depth + 1);
    else writeRecord(value as Record<string, unknown>, depth);
  }
}

/** A plain or class object as a map of its own enumerable keys. */
function writeRecord(record: Record<string, unknown>, depth: number): void {
  // Each value is read once (getters). Like JSON, keys holding functions or
  // symbols are left out; so are absent fields of the packet map (depth 0).
  const entries = Object.entries(record).filter(([, item]) => (depth ? !isSkipped(item) : item !== undefined));
  putHeader(entries.length, 0x80, 16, 0xdd);
  for (const [key, item] of entries) {
    writeValue(key);
    writeValue(item, depth + 1);
  }
}

/** Values JSON leaves out of objects and writes as null in arrays. */
function isSkipped(value: unknown): boolean {
  return typeof value === "function" || typeof value === "symbol";
}
