import { ProtocolError, type ValueLimits } from "@cometa/protocol";

/*
 * The browser's hardened MessagePack reader (notepack.io dialect, PROTOCOL.md
 * §4.3), written for size: the Node codec has its own reader built for speed
 * (`../value-reader.ts`), and the property tests prove both return the same
 * value or the same error code for any bytes.
 *
 * Every rule that keeps hostile input harmless is checked *before* the work it
 * guards: declared lengths against the bytes left (M1/M2), nesting depth (M4)
 * and the node budget (M3) when a container header is read, so a 64 KB frame
 * can never make it allocate more than the frame describes. Extension types
 * other than notepack's type 0 (M7), the reserved byte 0xc1 (M8), non-string
 * map keys (M10) and `__proto__` keys (M5) are rejected. Trailing bytes are
 * rejected (M9). Recursion is bounded by `maxDepth` (≤ 1000).
 *
 * Decoding is synchronous and never calls user code, so the reader keeps its
 * cursor in module state instead of allocating a context per frame.
 */

const EMPTY = new Uint8Array(0);
let src: Uint8Array = EMPTY;
let pos = 0;
let nodes = 0;
let limits: ValueLimits;

// ignoreBOM keeps a leading U+FEFF in the string instead of silently eating it;
// invalid UTF-8 becomes U+FFFD (not fatal), as in notepack and msgpackr.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

function fail(code: ProtocolError["code"], message: string): never {
  throw new ProtocolError(code, message);
}

/**
 * Decode one MessagePack document that must span all of `bytes`. Returns the
 * value, or a `ProtocolError` (decoded values are never `ProtocolError`s, so
 * `instanceof` tells them apart). Never throws.
 *
 * Binary values are copies (`Uint8Array`, or `Buffer` when the input is one),
 * never views into the input, so callers may reuse or release the frame.
 */
export function readValue(bytes: Uint8Array, valueLimits: ValueLimits): unknown {
  src = bytes;
  pos = 0;
  nodes = 1;
  limits = valueLimits;
  try {
    const value = read(0);
    if (pos < src.length) fail("DECODE_MALFORMED", "trailing bytes");
    return value;
  } catch (err) {
    // Only our own ProtocolErrors are expected; anything else is a bug, still never rethrown.
    return err instanceof ProtocolError ? err : new ProtocolError("DECODE_MALFORMED", String(err), { cause: err });
  } finally {
    src = EMPTY; // do not keep the last frame alive
  }
}

/** Claim the next `n` bytes (M1/M2); returns where they start. */
function take(n: number): number {
  if (n > src.length - pos) fail("DECODE_MALFORMED", "truncated");
  pos += n;
  return pos - n;
}

/** Big-endian unsigned integer of `n` bytes. */
function uint(n: number): number {
  let value = 0;
  for (let at = take(n); n > 0; n--) value = value * 256 + src[at++]!;
  return value;
}

/**
 * cc…d3 as index 0…7: uint 8/16/32/64, then int 8/16/32/64. 64-bit integers
 * become hi·2^32 + lo, exactly as notepack and the Node reader compute them.
 */
function int(index: number): number {
  const size = 1 << (index & 3);
  if (size === 8) return int(index - 1) * 0x100000000 + uint(4);
  const n = uint(size);
  return index > 3 && n >= 2 ** (size * 8 - 1) ? n - 2 ** (size * 8) : n;
}

function read(depth: number): unknown {
  const t = src[take(1)]!;
  // Positive and negative fixint: the byte is the value, sign-extended.
  if (t < 0x80 || t > 0xdf) return (t << 24) >> 24;
  if (t < 0xa0) return readContainer(t & 0x0f, t < 0x90, depth);
  if (t < 0xc0) return readStr(t & 0x1f);
  // "Never used" in the spec (msgpackr returns a live object for it).
  if (t === 0xc1) fail("DECODE_TYPE_REJECTED", "byte 0xc1");
  if (t < 0xc4) return t === 0xc0 ? null : t === 0xc3;
  if (t < 0xc7) return readBin(uint(1 << (t - 0xc4)));
  if (t < 0xca) {
    // ext 8/16/32 of type 0: notepack's Node encoding of a non-Buffer ArrayBuffer/view.
    const n = uint(1 << (t - 0xc7));
    extType();
    return readBin(n);
  }
  if (t < 0xcc) {
    const size = t === 0xca ? 4 : 8;
    const view = new DataView(src.buffer, src.byteOffset + take(size), size);
    return size === 4 ? view.getFloat32(0) : view.getFloat64(0);
  }
  if (t < 0xd4) return int(t - 0xcc);
  if (t < 0xd9) {
    extType();
    // fixext 1: notepack's `undefined`; fixext 8: its Date (int64 ms); the others: bytes.
    if (t === 0xd4) return void take(1);
    return t === 0xd7 ? new Date(int(7)) : readBin(1 << (t - 0xd4));
  }
  if (t < 0xdc) return readStr(uint(1 << (t - 0xd9)));
  return readContainer(uint(t & 1 ? 4 : 2), t > 0xdd, depth);
}

/** Only notepack's extension type 0 is allowed: every other type could carry a class instance. */
function extType(): void {
  const type = src[take(1)]!;
  if (type) fail("DECODE_TYPE_REJECTED", "ext type");
}

function readBin(n: number): Uint8Array {
  // A copy, of the input's own species (Buffer in, Buffer out), never a view.
  return Uint8Array.prototype.slice.call(src, take(n), pos);
}

function readStr(n: number): string {
  const at = take(n);
  if (n < 8) {
    // Short ASCII strings are cheaper to build by hand than through TextDecoder.
    let s = "";
    for (let i = at; i < pos && src[i]! < 0x80; i++) s += String.fromCharCode(src[i]!);
    if (s.length === n) return s;
  }
  return utf8.decode(src.subarray(at, pos));
}

/** Depth, declared size and node budget are checked before anything is allocated. */
function readContainer(n: number, isMap: boolean, depth: number): unknown {
  if (depth >= limits.maxDepth) fail("DECODE_DEPTH_EXCEEDED", "too deep");
  if (n * (isMap ? 2 : 1) > src.length - pos) fail("DECODE_MALFORMED", "truncated");
  nodes += n;
  if (nodes > limits.maxNodes) fail("DECODE_BUDGET_EXCEEDED", "too many values");
  if (!isMap) {
    const array: unknown[] = [];
    while (n-- > 0) array.push(read(depth + 1));
    return array;
  }
  const object: Record<string, unknown> = {};
  while (n-- > 0) {
    // Peek at the key's type byte: only fixstr and str 8/16/32 may follow.
    const t = src[pos] ?? take(1);
    if (!((t > 0x9f && t < 0xc0) || (t > 0xd8 && t < 0xdc))) fail("DECODE_TYPE_REJECTED", "non-string key");
    const key = read(depth) as string;
    // Assigning "__proto__" on a plain object would replace its prototype (M5).
    if (key === "__proto__") fail("DECODE_FORBIDDEN_KEY", "__proto__ key");
    object[key] = read(depth + 1);
  }
  return object;
}
