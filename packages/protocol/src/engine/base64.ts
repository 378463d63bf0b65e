/**
 * Standard base64 (RFC 4648 §4, with `=` padding), as Engine.IO uses for
 * binary packets in long-polling payloads (`b` + base64). Written here because
 * this package runs in browsers and Node alike: no `Buffer`, `atob` or
 * `TextEncoder`.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const PAD = 61; // "="

/** Char code of each 6-bit value. */
const ENCODE = new Uint8Array(64);
/** 6-bit value of each ASCII char code, or -1 when the char is not in the alphabet. */
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  ENCODE[i] = ALPHABET.charCodeAt(i);
  DECODE[ALPHABET.charCodeAt(i)] = i;
}

/** Largest argument list handed to `String.fromCharCode` at once: stays well below engine limits. */
const CHUNK = 0x2000;

/**
 * Encode bytes as padded standard base64.
 *
 * Builds the ASCII output in a byte array and turns it into a string in a few
 * large chunks, so big inputs cost no per-character string concatenation.
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([1, 2, 3, 4])) // "AQIDBA=="
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  const length = bytes.length;
  const out = new Uint8Array(Math.ceil(length / 3) * 4);
  let o = 0;
  let i = 0;
  for (const end = length - 2; i < end; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = ENCODE[(n >>> 6) & 63]!;
    out[o++] = ENCODE[n & 63]!;
  }
  const rest = length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = PAD;
    out[o++] = PAD;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out[o++] = ENCODE[n >>> 18]!;
    out[o++] = ENCODE[(n >>> 12) & 63]!;
    out[o++] = ENCODE[(n >>> 6) & 63]!;
    out[o++] = PAD;
  }
  return asciiToString(out);
}

/**
 * Decode padded standard base64. Strict: returns `undefined` when the length
 * is not a multiple of 4, a character is outside the alphabet (whitespace
 * included), or padding appears anywhere but the last one or two positions.
 * The empty string decodes to zero bytes.
 *
 * @example
 * ```ts
 * decodeBase64("AQIDBA==") // Uint8Array [1, 2, 3, 4]
 * decodeBase64("AQI")      // undefined
 * ```
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const length = text.length;
  if (length % 4 !== 0) return undefined;
  if (length === 0) return new Uint8Array(0);
  const padding = text.charCodeAt(length - 1) === PAD ? (text.charCodeAt(length - 2) === PAD ? 2 : 1) : 0;
  const out = new Uint8Array((length / 4) * 3 - padding);
  // All full quads except the last, which may carry padding.
  const fullEnd = length - 4;
  let o = 0;
  for (let i = 0; i < fullEnd; i += 4) {
    const n = (sextet(text, i) << 18) | (sextet(text, i + 1) << 12) | (sextet(text, i + 2) << 6) | sextet(text, i + 3);
    // Any invalid char made its sextet -1, which sets the sign bit of n.
    if (n < 0) return undefined;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  const a = sextet(text, fullEnd);
  const b = sextet(text, fullEnd + 1);
  const c = padding === 2 ? 0 : sextet(text, fullEnd + 2);
  const d = padding >= 1 ? 0 : sextet(text, fullEnd + 3);
  if ((a | b | c | d) < 0) return undefined;
  const n = (a << 18) | (b << 12) | (c << 6) | d;
  out[o++] = n >>> 16;
  if (padding < 2) out[o++] = (n >>> 8) & 255;
  if (padding < 1) out[o] = n & 255;
  return out;
}

/** The 6-bit value of the char at `i`, or -1 (which also rejects a misplaced "="). */
function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? DECODE[code]! : -1;
}

/** ASCII bytes to a string, in chunks (no per-char concatenation, no TextDecoder). */
function asciiToString(ascii: Uint8Array): string {
  if (ascii.length <= CHUNK) return String.fromCharCode.apply(null, ascii as unknown as number[]);
  let out = "";
  for (let i = 0; i < ascii.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, ascii.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}
