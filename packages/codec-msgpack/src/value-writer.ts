import { MsgpackCodecError } from "./lite/codec-options.js";

/*
 * A MessagePack writer producing exactly what official Socket.IO peers
 * (notepack.io) decode, with msgpackr's choice of number encodings:
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
 * Output goes to a slab (8 KB by default) shared by consecutive packets:
 * each packet is returned as a `subarray` of the slab and the next one starts
 * after it, so nothing written is ever overwritten, and a packet costs no
 * allocation besides its view (copying out with `slice` cost more than the
 * whole encode of a 100-byte packet). A full slab is replaced, never reused;
 * it lives as long as the frames that view it. Consumers must therefore honour
 * `byteOffset`/`byteLength` (never send `frame.buffer`).
 *
 * The browser codec has a smaller, slower twin (`lite/value-writer.ts`); the
 * property tests prove both write the same bytes for any packet.
 */

const SLAB_SIZE = 8192;
// A slab grown past this by one huge packet is not used for the next packets.
const RETAINED_MAX = 1 << 20;
// Deep enough for any sane payload; stops cycles with a clear error instead of a stack overflow.
const MAX_ENCODE_DEPTH = 1000;

let buf = new Uint8Array(SLAB_SIZE);
let view = new DataView(buf.buffer);
let start = 0; // where the packet being written begins
let pos = 0;
let busy = false;
const utf8 = new TextEncoder();
// Node's native UTF-8 writer (also on plain Uint8Arrays): a flat ~45 ns where a
// JS loop costs 2–3 ns per char and `encodeInto` (plus its subarray) ~70 ns.
// Lone surrogates become U+FFFD, as with TextEncoder.
const nativeUtf8Write: ((this: Uint8Array, s: string, offset: number) => number) | undefined = (
  Buffer.prototype as { utf8Write?: (this: Uint8Array, s: string, offset: number) => number }
).utf8Write;
/**
 * Strings shorter than this are encoded in JS; longer ones go native. A native
 * call costs ~45–65 ns whatever the length, about what the JS loop costs for
 * 64 ASCII units. At 16 (the previous threshold) a 31-char chat text took
 * 18 % of encoding a 100 B packet, twice what the loop costs.
 */
const NATIVE_MIN_LENGTH = 64;

/** UTF-8 of `s` at `at` (room for 3 bytes per UTF-16 unit is ensured by the caller); returns the bytes written. */
function writeUtf8(s: string, at: number): number {
  if (nativeUtf8Write !== undefined) return nativeUtf8Write.call(buf, s, at);
  return utf8.encodeInto(s, buf.subarray(at)).written;
}

/**
 * Start encoding one document. Pair with `takeEncoded()` and, in a
 * `finally`, `endEncode()`. Throws `MsgpackCodecError` when called again
 * before `endEncode()` (a `toJSON()` that encodes packets itself would
 * otherwise write into the packet being built).
 */
export function beginEncode(): void {
  if (busy) throw new MsgpackCodecError("ENCODE_UNSUPPORTED_VALUE", "re-entrant encode (from toJSON?)");
  busy = true;
  // A nearly full slab would force a copy on the first write: start a fresh one.
  if (buf.length - pos < 256) newSlab(SLAB_SIZE);
  start = pos;
}

/** Everything written since `beginEncode()`, as a view that is never written again. */
export function takeEncoded(): Uint8Array {
  const frame = buf.subarray(start, pos);
  start = pos;
  return frame;
}

/** Finish the document (always call it, also after a throw: an unfinished packet is discarded). */
export function endEncode(): void {
  busy = false;
  pos = start;
  if (buf.length > RETAINED_MAX) newSlab(SLAB_SIZE);
}

function newSlab(size: number): void {
  buf = new Uint8Array(size);
  view = new DataView(buf.buffer);
  pos = 0;
}

function ensure(n: number): void {
  if (pos + n <= buf.length) return;
  // Move the packet written so far to the start of a slab big enough for it and n more bytes.
  const written = buf.subarray(start, pos);
  newSlab(Math.max(SLAB_SIZE, (written.length + n) * 2));
  buf.set(written);
  pos = written.length;
  start = 0;
}

/** Header of a map with `n` entries. */
export function writeMapHeader(n: number): void {
  ensure(5);
  putHeader(n, 0x80, 0xde);
}

/** `fix` = fix form for n < 16, `long` = 16-bit form (its 32-bit form follows it). */
function putHeader(n: number, fix: number, long: number): void {
  if (n < 16) put(fix | n, 0, 0);
  else if (n < 0x10000) put(long, n, 2);
  else put(long + 1, n, 4);
}

/** Header of a str/bin: `first` with an 8-bit length, the next two bytes for 16- and 32-bit lengths. */
function putSized(n: number, first: number): void {
  if (n < 0x100) put(first, n, 1);
  else if (n < 0x10000) put(first + 1, n, 2);
  else put(first + 2, n, 4);
}

/** One byte, then `n` big-endian in `width` bytes. */
function put(first: number, n: number, width: number): void {
  buf[pos++] = first;
  putBE(n, width);
}

/** The low `width` bytes of `n`'s 32-bit two's complement, big-endian (NaN writes zeros). */
function putBE(n: number, width: number): void {
  for (let i = pos + width - 1; i >= pos; i--) {
    buf[i] = n & 0xff;
    n >>= 8;
  }
  pos += width;
}

/** Append any encodable value. */
export function writeValue(value: unknown, depth = 0): void {
  const kind = typeof value;
  if (kind === "string") writeString(value as string);
  else if (kind === "number") writeNumber(value as number);
  else if (kind === "object") writeObject(value as object | null, depth);
  else if (kind === "boolean") {
    ensure(1);
    buf[pos++] = value ? 0xc3 : 0xc2;
  } else if (kind === "undefined") {
    ensure(3);
    buf[pos++] = 0xd4;
    buf[pos++] = 0;
    buf[pos++] = 0;
  } else throw new MsgpackCodecError("ENCODE_UNSUPPORTED_VALUE", `cannot encode a ${kind}`);
}

function writeNumber(n: number): void {
  ensure(9);
  if (n >>> 0 === n) {
    if (n < 0x80) put(n, 0, 0);
    else if (n < 0x100) put(0xcc, n, 1);
    else if (n < 0x10000) put(0xcd, n, 2);
    else put(0xce, n, 4);
  } else if (n >> 0 === n) {
    if (n >= -0x20) put(n & 0xff, 0, 0);
    else if (n >= -0x80) put(0xd0, n, 1);
    else if (n >= -0x8000) put(0xd1, n, 2);
    else put(0xd2, n, 4);
  } else {
    put(0xcb, 0, 0);
    view.setFloat64(pos, n);
    pos += 8;
  }
}

function writeString(s: string): void {
  const length = s.length;
  // UTF-8 needs at most 3 bytes per UTF-16 unit; reserve the header the
  // shortest possible byte length needs and move the bytes if it grows.
  ensure(5 + length * 3);
  const header = length < 32 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
  const at = pos + header;
  let bytes = 0;
  if (length < NATIVE_MIN_LENGTH) {
    // Short ASCII strings (keys, event names, most text) are cheaper to copy by hand than through a native call.
    while (bytes < length) {
      const c = s.charCodeAt(bytes);
      if (c > 0x7f) break;
      buf[at + bytes++] = c;
    }
    if (bytes < length) bytes = writeUtf8Tail(s, bytes, at + bytes) - at;
  } else bytes = writeUtf8(s, at);
  const needed = bytes < 32 ? 1 : bytes < 0x100 ? 2 : bytes < 0x10000 ? 3 : 5;
  if (needed !== header) buf.copyWithin(pos + needed, at, at + bytes);
  if (needed === 1) put(0xa0 | bytes, 0, 0);
  else putSized(bytes, 0xd9);
  pos += bytes;
}

/**
 * UTF-8 of `s` from unit `i` on, written at `p`, in JS: the rest of a short
 * string whose ASCII run stopped at `i`. Going on from there beats starting
 * the whole string again natively. Lone surrogates become U+FFFD, as in every
 * TextEncoder. Returns the position after the last byte.
 */
function writeUtf8Tail(s: string, i: number, p: number): number {
  const length = s.length;
  for (; i < length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) buf[p++] = c;
    else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = c <= 0xdbff && i + 1 < length ? s.charCodeAt(i + 1) : 0;
        if (next >= 0xdc00 && next <= 0xdfff) {
          // A surrogate pair: one code point above U+FFFF, four bytes.
          i++;
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          buf[p++] = 0xf0 | (c >> 18);
          buf[p++] = 0x80 | ((c >> 12) & 0x3f);
          buf[p++] = 0x80 | ((c >> 6) & 0x3f);
          buf[p++] = 0x80 | (c & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
      buf[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

function writeBin(bytes: Uint8Array): void {
  ensure(5 + bytes.length);
  putSized(bytes.length, 0xc4);
  buf.set(bytes, pos);
  pos += bytes.length;
}

function writeObject(value: object | null, depth: number): void {
  if (value === null) {
    ensure(1);
    buf[pos++] = 0xc0;
    return;
  }
  if (depth >= MAX_ENCODE_DEPTH) {
    throw new MsgpackCodecError("ENCODE_TOO_DEEP", `depth > ${MAX_ENCODE_DEPTH} (a cycle?)`);
  }
  if (Array.isArray(value)) {
    ensure(5);
    putHeader(value.length, 0x90, 0xdc);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // JSON writes functions and symbols in arrays as null.
      if (typeof item === "function" || typeof item === "symbol") writeObject(null, depth);
      else writeValue(item, depth + 1);
    }
    return;
  }
  if (value instanceof Uint8Array) writeBin(value);
  else if (ArrayBuffer.isView(value)) writeBin(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (value instanceof ArrayBuffer) writeBin(new Uint8Array(value));
  else if (value instanceof Date) {
    const time = value.getTime();
    ensure(10);
    // notepack's split into int32 high and uint32 low halves; NaN (invalid date) becomes 0.
    put(0xd7, 0, 1);
    putBE(Math.floor(time / 0x100000000), 4);
    putBE(time, 4);
  } else writeRecord(value, depth);
}

/** A plain or class object: through `toJSON()` when it has one, else its own enumerable keys. */
function writeRecord(value: object, depth: number): void {
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const json: unknown = toJSON.call(value);
    if (json !== value) {
      writeValue(json, depth + 1);
      return;
    }
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  ensure(5);
  // Relative to the packet start: a slab change while writing the entries moves the packet.
  const at = pos - start;
  putHeader(keys.length, 0x80, 0xde);
  let skipped = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = record[key];
    // Like JSON, keys holding functions or symbols are left out.
    if (typeof item === "function" || typeof item === "symbol") skipped++;
    else {
      writeString(key);
      writeValue(item, depth + 1);
    }
  }
  if (skipped > 0) patchMapHeader(start + at, keys.length, keys.length - skipped);
}

/** Rewrite a map header written for `was` entries to `now` (< was), moving the body if the header shrinks. */
function patchMapHeader(at: number, was: number, now: number): void {
  const body = at + (was < 16 ? 1 : was < 0x10000 ? 3 : 5);
  const end = pos;
  pos = at;
  // The new header is no longer than the old one: it fits without ensure().
  putHeader(now, 0x80, 0xde);
  buf.copyWithin(pos, body, end);
  pos += end - body;
}

