import { ProtocolError, type ValueLimits } from "@cometa/protocol";

/*
 * A hardened MessagePack reader (notepack.io dialect, PROTOCOL.md §4.3).
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
let maxDepth = 0;
let maxNodes = 0;

// ignoreBOM keeps a leading U+FEFF in the string instead of silently eating it;
// invalid UTF-8 becomes U+FFFD (not fatal), as in notepack and msgpackr.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
// Floats are read through a fixed 8-byte scratch: no DataView per frame.
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);
// Recently seen short ASCII map keys, by hash. Returning the same string
// instance lets V8 reuse object shapes; contents are always re-checked.
const keyCache = new Array<string | undefined>(1024);

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
export function readValue(bytes: Uint8Array, limits: ValueLimits): unknown {
  src = bytes;
  pos = 0;
  nodes = 1;
  maxDepth = limits.maxDepth;
  maxNodes = limits.maxNodes;
  try {
    const value = read(0);
    if (pos !== src.length) fail("DECODE_MALFORMED", `trailing bytes at ${pos}`);
    return value;
  } catch (err) {
    // Only our own ProtocolErrors are expected; anything else is a bug, still never rethrown.
    return err instanceof ProtocolError ? err : new ProtocolError("DECODE_MALFORMED", String(err), { cause: err });
  } finally {
    src = EMPTY; // do not keep the last frame alive
  }
}

function need(n: number): void {
  if (n > src.length - pos) fail("DECODE_MALFORMED", `truncated at ${pos}`);
}

/** Big-endian unsigned integer of 1, 2 or 4 bytes. */
function uint(size: number): number {
  need(size);
  let n = 0;
  for (let i = 0; i < size; i++) n = n * 256 + src[pos++]!;
  return n;
}

/** Big-endian two's complement integer of 1, 2 or 4 bytes. */
function int(size: number): number {
  const n = uint(size);
  const half = 2 ** (size * 8 - 1);
  return n < half ? n : n - 2 * half;
}

function float(size: 4 | 8): number {
  need(size);
  for (let i = 0; i < size; i++) scratch[i] = src[pos++]!;
  return size === 4 ? scratchView.getFloat32(0) : scratchView.getFloat64(0);
}

/** 64-bit integers become numbers exactly as notepack and msgpackr (int64AsType "number") compute them. */
function int64(signed: boolean): number {
  const hi = signed ? int(4) : uint(4);
  return hi * 0x100000000 + uint(4);
}

function read(depth: number): unknown {
  need(1);
  const t = src[pos++]!;
  if (t < 0x80) return t;
  if (t < 0x90) return readMap(t & 0x0f, depth);
  if (t < 0xa0) return readArray(t & 0x0f, depth);
  if (t < 0xc0) return readStr(t & 0x1f);
  if (t >= 0xe0) return t - 0x100;
  switch (t) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xc4:
    case 0xc5:
    case 0xc6:
      return readBin(uint(1 << (t - 0xc4)));
    case 0xc7:
    case 0xc8:
    case 0xc9: {
      // ext 8/16/32 of type 0: notepack's Node encoding of a non-Buffer ArrayBuffer/view.
      const n = uint(1 << (t - 0xc7));
      extType();
      return readBin(n);
    }
    case 0xca:
      return float(4);
    case 0xcb:
      return float(8);
    case 0xcc:
    case 0xcd:
    case 0xce:
      return uint(1 << (t - 0xcc));
    case 0xcf:
      return int64(false);
    case 0xd0:
    case 0xd1:
    case 0xd2:
      return int(1 << (t - 0xd0));
    case 0xd3:
      return int64(true);
    case 0xd4:
      // fixext 1, type 0: notepack's `undefined`.
      extType();
      need(1);
      pos++;
      return undefined;
    case 0xd7:
      // fixext 8, type 0: notepack's Date (int32 high and uint32 low half of the ms).
      extType();
      return new Date(int64(true));
    case 0xd5:
    case 0xd6:
    case 0xd8:
      extType();
      return readBin(1 << (t - 0xd4));
    case 0xd9:
    case 0xda:
    case 0xdb:
      return readStr(uint(1 << (t - 0xd9)));
    case 0xdc:
    case 0xdd:
      return readArray(uint(t === 0xdc ? 2 : 4), depth);
    case 0xde:
    case 0xdf:
      return readMap(uint(t === 0xde ? 2 : 4), depth);
  }
  // 0xc1 is the only byte left: "never used" in the spec (msgpackr returns an object for it).
  return fail("DECODE_TYPE_REJECTED", "reserved byte 0xc1");
}

/** Only notepack's extension type 0 is allowed: every other type could carry a class instance. */
function extType(): void {
  const type = int(1);
  if (type !== 0) fail("DECODE_TYPE_REJECTED", `ext type ${type}`);
}

function readBin(n: number): Uint8Array {
  need(n);
  pos += n;
  // A copy, of the input's own species (Buffer in, Buffer out), never a view.
  return Uint8Array.prototype.slice.call(src, pos - n, pos);
}

function readStr(n: number): string {
  need(n);
  const start = pos;
  pos += n;
  if (n < 64) {
    // Short ASCII strings are cheaper to build by hand than through TextDecoder.
    let s = "";
    for (let i = start; i < pos; i++) {
      const c = src[i]!;
      if (c > 0x7f) return utf8.decode(src.subarray(start, pos));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(src.subarray(start, pos));
}

/** Depth, declared size and node budget, checked before the container is allocated. */
function enter(n: number, bytesPerEntry: number, depth: number): void {
  if (depth >= maxDepth) fail("DECODE_DEPTH_EXCEEDED", `depth > ${maxDepth}`);
  if (n * bytesPerEntry > src.length - pos) fail("DECODE_MALFORMED", `${n} entries overrun the input at ${pos}`);
  nodes += n;
  if (nodes > maxNodes) fail("DECODE_BUDGET_EXCEEDED", `over ${maxNodes} values`);
}

function readArray(n: number, depth: number): unknown[] {
  enter(n, 1, depth);
  const array = new Array<unknown>(n);
  for (let i = 0; i < n; i++) array[i] = read(depth + 1);
  return array;
}

function readMap(n: number, depth: number): Record<string, unknown> {
  enter(n, 2, depth);
  const object: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const key = readKey();
    object[key] = read(depth + 1);
  }
  return object;
}

function readKey(): string {
  need(1);
  const t = src[pos++]!;
  let n: number;
  if (t >= 0xa0 && t < 0xc0) n = t & 0x1f;
  else if (t >= 0xd9 && t <= 0xdb) n = uint(1 << (t - 0xd9));
  else return fail("DECODE_TYPE_REJECTED", "non-string key");
  const key = n < 25 ? cachedKey(n) : readStr(n);
  // Assigning "__proto__" on a plain object would replace its prototype (M5).
  if (key === "__proto__") fail("DECODE_FORBIDDEN_KEY", "__proto__ key");
  return key;
}

/** A short key through the cache: ASCII keys only, compared byte by byte. */
function cachedKey(n: number): string {
  need(n);
  let h = n;
  for (let i = pos; i < pos + n; i++) {
    const c = src[i]!;
    if (c > 0x7f) return readStr(n);
    h = (h * 31 + c) & 1023;
  }
  const hit = keyCache[h];
  let i = 0;
  while (hit !== undefined && i < n && hit.charCodeAt(i) === src[pos + i]) i++;
  if (hit?.length === n && i === n) {
    pos += n;
    return hit;
  }
  const key = readStr(n);
  keyCache[h] = key;
  return key;
}
