import { concat, corruptMsgpackLength, corruptTextNumber } from "./length-fields.js";
import type { Prng } from "./prng.js";

/**
 * A deterministic byte mutator in the style of zzuf and AFL's havoc stage:
 * bit flips, interesting bytes, insertions and deletions, dictionary tokens,
 * length-field lies and splices of two seeds. Given the same generator state
 * it produces the same bytes, so every mutant of a run can be rebuilt.
 *
 * We use our own mutator rather than zzuf: it needs no system package, runs
 * in-process (no fork per mutant), and knows the formats it mutates (the
 * dictionary and the length fields), which zzuf's blind bit flips do not.
 */

/** Which format the bytes are in: picks the dictionary and the length-field rewrite. */
export type Flavour = "msgpack" | "text" | "http";

const encoder = new TextEncoder();
const tokens = (list: readonly string[]): Uint8Array[] => list.map((t) => encoder.encode(t));

/** Tokens that mean something to a Socket.IO / JSON / Engine.IO parser. */
const TEXT_TOKENS = tokens([
  '"',
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  "-",
  "/",
  "\\",
  "\x1e",
  "\x00",
  "null",
  "true",
  "[]",
  "{}",
  '"__proto__"',
  '"constructor"',
  '"_placeholder":true',
  '"num":',
  '{"_placeholder":true,"num":0}',
  '{"_placeholder":true,"num":"splice"}',
  '{"_placeholder":true,"num":-1}',
  '"\\ud800"',
  "\u{10ffff}",
  "\xff",
  "b",
  "4",
  "42",
  "451-",
  "99999999",
  "/admin,",
  "/dyn-1,",
]);

/** MessagePack markers and fragments: reserved byte, ext types, huge containers, `__proto__`. */
const MSGPACK_TOKENS = [
  [0xc1],
  [0xc0],
  [0xd4, 0x00, 0x00],
  [0xd8, 0x01, ...new Array<number>(16).fill(0)],
  [0xc7, 0xff, 0x00],
  [0xdd, 0xff, 0xff, 0xff, 0xff],
  [0xdf, 0x7f, 0xff, 0xff, 0xff],
  [0xdb, 0xff, 0xff, 0xff, 0xff],
  [0xc6, 0x7f, 0xff, 0xff, 0xff],
  [0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1],
  [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0],
  [0xa9, ...encoder.encode("__proto__")],
  [0xab, ...encoder.encode("constructor")],
  [0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91, 0x91],
  [0x81, 0xa0, 0xc0],
  [0xa4, ...encoder.encode("type")],
  [0xa3, ...encoder.encode("nsp")],
  [0xa4, ...encoder.encode("data")],
  [0xa2, ...encoder.encode("id")],
].map((bytes) => Uint8Array.from(bytes));

/** HTTP fragments: separators, hostile headers and query values. */
const HTTP_TOKENS = tokens([
  "\r\n",
  "\r\n\r\n",
  "\n",
  " ",
  "\x00",
  "%",
  "%00",
  "%ff",
  "&",
  "=",
  "?",
  "EIO=3",
  "EIO=4",
  "transport=websocket",
  "transport=polling",
  "sid=",
  "b64=1",
  "Content-Length: 99999999\r\n",
  "Content-Length: -1\r\n",
  "Transfer-Encoding: chunked\r\n",
  "Upgrade: websocket\r\n",
  "Connection: Upgrade\r\n",
  "Sec-WebSocket-Version: 8\r\n",
  "Origin: null\r\n",
  "Expect: 100-continue\r\n",
]);

/** Bytes that sit on boundaries of common decisions. */
const INTERESTING_BYTES = [0x00, 0x01, 0x1e, 0x20, 0x22, 0x2c, 0x30, 0x39, 0x7f, 0x80, 0x8f, 0x9f, 0xbf, 0xc1, 0xdf, 0xff];

function dictionary(flavour: Flavour): readonly Uint8Array[] {
  if (flavour === "msgpack") return MSGPACK_TOKENS;
  if (flavour === "http") return HTTP_TOKENS;
  return TEXT_TOKENS;
}

/** The single havoc operations, each returning a new array. */
const OPERATIONS: readonly (readonly [number, (input: Uint8Array, prng: Prng, flavour: Flavour) => Uint8Array])[] = [
  [4, flipBit],
  [3, setInterestingByte],
  [2, setRandomByte],
  [2, addToByte],
  [3, insertRandomBytes],
  [4, insertToken],
  [3, overwriteWithToken],
  [3, deleteRange],
  [2, duplicateRange],
  [1, truncate],
  [4, corruptLength],
];

/**
 * Apply 1–4 stacked havoc operations to `input` (never modified).
 *
 * @example
 * ```ts
 * const prng = Prng.derive(seed, 0, index);
 * const mutant = mutate(new TextEncoder().encode('42["echo",1]'), prng, "text");
 * ```
 */
export function mutate(input: Uint8Array, prng: Prng, flavour: Flavour): Uint8Array {
  let out = input;
  const rounds = prng.weighted([
    [6, 1],
    [3, 2],
    [2, 3],
    [1, 4],
  ] as const);
  for (let i = 0; i < rounds; i++) out = prng.weighted(OPERATIONS)(out, prng, flavour);
  return out === input ? input.slice() : out;
}

/**
 * zzuf's mutation: flip each bit independently with probability `ratio`
 * (zzuf's `-r`, typically 0.004–0.04).
 */
export function flipBits(input: Uint8Array, ratio: number, prng: Prng): Uint8Array {
  const out = input.slice();
  for (let i = 0; i < out.length; i++) {
    for (let bit = 0; bit < 8; bit++) if (prng.chance(ratio)) out[i] = out[i]! ^ (1 << bit);
  }
  return out;
}

/** A prefix of `a` joined to a suffix of `b`: crosses two valid inputs at random points. */
export function splice(a: Uint8Array, b: Uint8Array, prng: Prng): Uint8Array {
  return concat(a.subarray(0, prng.int(a.length + 1)), b.subarray(prng.int(b.length + 1)));
}

function flipBit(input: Uint8Array, prng: Prng): Uint8Array {
  if (input.length === 0) return input;
  const out = input.slice();
  const at = prng.int(out.length);
  out[at] = out[at]! ^ (1 << prng.int(8));
  return out;
}

function setInterestingByte(input: Uint8Array, prng: Prng): Uint8Array {
  if (input.length === 0) return Uint8Array.of(prng.pick(INTERESTING_BYTES));
  const out = input.slice();
  out[prng.int(out.length)] = prng.pick(INTERESTING_BYTES);
  return out;
}

function setRandomByte(input: Uint8Array, prng: Prng): Uint8Array {
  if (input.length === 0) return Uint8Array.of(prng.int(256));
  const out = input.slice();
  out[prng.int(out.length)] = prng.int(256);
  return out;
}

function addToByte(input: Uint8Array, prng: Prng): Uint8Array {
  if (input.length === 0) return input;
  const out = input.slice();
  const at = prng.int(out.length);
  out[at] = (out[at]! + prng.range(-35, 35)) & 0xff;
  return out;
}

function insertRandomBytes(input: Uint8Array, prng: Prng): Uint8Array {
  const bytes = new Uint8Array(prng.range(1, prng.chance(0.1) ? 256 : 8));
  for (let i = 0; i < bytes.length; i++) bytes[i] = prng.int(256);
  const at = prng.int(input.length + 1);
  return concat(input.subarray(0, at), bytes, input.subarray(at));
}

function insertToken(input: Uint8Array, prng: Prng, flavour: Flavour): Uint8Array {
  const token = prng.pick(dictionary(flavour));
  const at = prng.int(input.length + 1);
  return concat(input.subarray(0, at), token, input.subarray(at));
}

function overwriteWithToken(input: Uint8Array, prng: Prng, flavour: Flavour): Uint8Array {
  const token = prng.pick(dictionary(flavour));
  const at = prng.int(input.length + 1);
  return concat(input.subarray(0, at), token, input.subarray(Math.min(input.length, at + token.length)));
}

function deleteRange(input: Uint8Array, prng: Prng): Uint8Array {
  if (input.length === 0) return input;
  const at = prng.int(input.length);
  const length = prng.range(1, Math.min(16, input.length - at));
  return concat(input.subarray(0, at), input.subarray(at + length));
}

function duplicateRange(input: Uint8Array, prng: Prng): Uint8Array {
  if (input.length === 0) return input;
  const at = prng.int(input.length);
  const length = prng.range(1, Math.min(32, input.length - at));
  const copies = prng.chance(0.1) ? prng.range(2, 64) : 1;
  const chunk = input.subarray(at, at + length);
  return concat(input.subarray(0, at + length), ...new Array<Uint8Array>(copies).fill(chunk), input.subarray(at + length));
}

function truncate(input: Uint8Array, prng: Prng): Uint8Array {
  return input.slice(0, prng.int(input.length + 1));
}

function corruptLength(input: Uint8Array, prng: Prng, flavour: Flavour): Uint8Array {
  return flavour === "msgpack" ? corruptMsgpackLength(input, prng) : corruptTextNumber(input, prng);
}
