/**
 * A tiny MessagePack writer for hostile inputs: unlike a real encoder it
 * writes whatever it is given, including maps with non-string keys and raw
 * byte splices, so rows can build exactly the malformed packet they need.
 */

/** Bytes spliced in as they are. */
export class Raw {
  constructor(readonly bytes: Uint8Array) {}
}

/** A map with arbitrary (non-string) keys, in order. */
export class AnyKeyMap {
  constructor(readonly entries: readonly (readonly [unknown, unknown])[]) {}
}

/** A float64, even for an integral value (`mp(2)` writes an int). */
export class Float {
  constructor(readonly value: number) {}
}

/** Raw bytes from hex (`"c1"`, `"91 91 c0"`). */
export function hex(text: string): Raw {
  return new Raw(Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex")));
}

/** Encode `value`; objects' own keys in insertion order (a `__proto__` own key included). */
export function mp(value: unknown): Uint8Array {
  const out: number[] = [];
  write(out, value);
  return Uint8Array.from(out);
}

/** Concatenate byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts.map((p) => Buffer.from(p))));
}

function write(out: number[], value: unknown): void {
  if (value instanceof Raw) {
    for (const b of value.bytes) out.push(b);
  } else if (value === null || value === undefined) {
    out.push(0xc0);
  } else if (value === true || value === false) {
    out.push(value ? 0xc3 : 0xc2);
  } else if (value instanceof Float) {
    const b = Buffer.alloc(9);
    b[0] = 0xcb;
    b.writeDoubleBE(value.value, 1);
    out.push(...b);
  } else if (typeof value === "number") {
    writeNumber(out, value);
  } else if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8");
    header(out, bytes.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
    for (const b of bytes) out.push(b);
  } else if (value instanceof Uint8Array) {
    header(out, value.length, -1, -1, 0xc4, 0xc5, 0xc6);
    for (const b of value) out.push(b);
  } else if (Array.isArray(value)) {
    header(out, value.length, 0x90, 15, -1, 0xdc, 0xdd);
    for (const item of value) write(out, item);
  } else if (value instanceof AnyKeyMap) {
    header(out, value.entries.length, 0x80, 15, -1, 0xde, 0xdf);
    for (const [k, v] of value.entries) {
      write(out, k);
      write(out, v);
    }
  } else if (typeof value === "object") {
    const keys = Object.keys(value);
    header(out, keys.length, 0x80, 15, -1, 0xde, 0xdf);
    for (const key of keys) {
      write(out, key);
      write(out, (value as Record<string, unknown>)[key]);
    }
  } else {
    throw new TypeError(`cannot encode ${typeof value}`);
  }
}

function writeNumber(out: number[], n: number): void {
  if (!Number.isInteger(n) || n >= 2 ** 32 || n < -(2 ** 31)) {
    write(out, new Float(n));
  } else if (n >= 0 && n < 128) {
    out.push(n);
  } else if (n < 0 && n >= -32) {
    out.push(n & 0xff);
  } else {
    const b = Buffer.alloc(5);
    if (n >= 0) {
      b[0] = 0xce;
      b.writeUInt32BE(n, 1);
    } else {
      b[0] = 0xd2;
      b.writeInt32BE(n, 1);
    }
    out.push(...b);
  }
}

/** A length header: fix form when `fixMax` allows, else 8/16/32-bit (-1 = no such form). */
function header(out: number[], n: number, fix: number, fixMax: number, m8: number, m16: number, m32: number): void {
  if (fix >= 0 && n <= fixMax) out.push(fix | n);
  else if (m8 >= 0 && n < 256) out.push(m8, n);
  else if (n < 65536) out.push(m16, n >> 8, n & 0xff);
  else out.push(m32, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}
