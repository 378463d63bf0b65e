import type { Prng } from "./prng.js";

/**
 * Length-field corruption: the mutation that finds most decoder bugs, because
 * a declared length drives an allocation or a loop before the bytes behind it
 * are checked. Each function returns a new array and never grows the input
 * by more than a few bytes: the lie is in the field, not in the data.
 */

/** Lengths worth lying with: empty, off by one, the largest of each width, and sizes that would allocate gigabytes. */
const LIES = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0xffffffff];

/** Width in bytes of the length field after each MessagePack marker that has one. */
function msgpackLengthWidth(marker: number): number {
  switch (marker) {
    case 0xc4: // bin 8
    case 0xd9: // str 8
    case 0xc7: // ext 8
      return 1;
    case 0xc5: // bin 16
    case 0xda: // str 16
    case 0xdc: // array 16
    case 0xde: // map 16
    case 0xc8: // ext 16
      return 2;
    case 0xc6: // bin 32
    case 0xdb: // str 32
    case 0xdd: // array 32
    case 0xdf: // map 32
    case 0xc9: // ext 32
      return 4;
    default:
      return 0;
  }
}

/** Whether `byte` is a fixmap, fixarray or fixstr marker (its length is in its low bits). */
function isFixContainer(byte: number): boolean {
  return byte >= 0x80 && byte <= 0xbf;
}

/**
 * Rewrite one MessagePack length: a fixed-size container's low bits, or the
 * big-endian field after a `str`/`bin`/`array`/`map`/`ext` marker. The scan is
 * a heuristic (any byte that looks like a marker qualifies), which also hits
 * markers inside strings: harmless, it is a mutation either way.
 */
export function corruptMsgpackLength(input: Uint8Array, prng: Prng): Uint8Array {
  const candidates: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if (isFixContainer(byte) || (msgpackLengthWidth(byte) > 0 && i + msgpackLengthWidth(byte) < input.length)) {
      candidates.push(i);
    }
  }
  const out = input.slice();
  if (candidates.length === 0) return out;
  const at = prng.pick(candidates);
  const marker = out[at]!;
  const width = msgpackLengthWidth(marker);
  if (width === 0) {
    // fixmap 0x80–0x8f, fixarray 0x90–0x9f: 4 bits; fixstr 0xa0–0xbf: 5 bits.
    const bits = marker >= 0xa0 ? 0x1f : 0x0f;
    out[at] = (marker & ~bits) | prng.int(bits + 1);
    return out;
  }
  writeBigEndian(out, at + 1, width, prng.pick(LIES) + (prng.chance(0.3) ? prng.range(-2, 2) : 0));
  return out;
}

/**
 * Replace one run of ASCII digits (an ack id, an attachment count, a
 * namespace suffix, a JSON number) with a hostile number: huge, negative,
 * fractional, exponent or with leading zeros.
 */
export function corruptTextNumber(input: Uint8Array, prng: Prng): Uint8Array {
  const runs: [number, number][] = [];
  for (let i = 0; i < input.length; ) {
    if (!isDigit(input[i]!)) {
      i++;
      continue;
    }
    const start = i;
    while (i < input.length && isDigit(input[i]!)) i++;
    runs.push([start, i]);
  }
  if (runs.length === 0) return input.slice();
  const [start, end] = prng.pick(runs);
  const replacement = prng.pick([
    "0",
    "-1",
    "00001",
    "2147483647",
    "2147483648",
    "4294967296",
    "9007199254740993",
    "99999999999999999999999",
    "1e308",
    "1.5",
    "NaN",
    String(prng.u32()),
  ]);
  return concat(input.subarray(0, start), new TextEncoder().encode(replacement), input.subarray(end));
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function writeBigEndian(out: Uint8Array, at: number, width: number, value: number): void {
  let v = Math.max(0, Math.min(value, 2 ** (8 * width) - 1));
  for (let i = width - 1; i >= 0; i--) {
    if (at + i < out.length) out[at + i] = v & 0xff;
    v = Math.floor(v / 256);
  }
}

/** Join byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
