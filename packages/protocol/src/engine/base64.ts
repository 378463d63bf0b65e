/**
 * Standard base64 (RFC 4648 §4, with `=` padding), as Engine.IO uses for
 * binary packets in long-polling payloads (`b` + base64). Built on the
 * `atob`/`btoa` globals, which browsers and Node (≥ 16) both have; no
 * `Buffer`. Decoding is strict where `atob` is forgiving (whitespace, missing
 * padding): the input is checked first.
 */

/** `atob`/`btoa`, typed here because this package compiles without DOM types. */
const { atob, btoa } = globalThis as unknown as { atob(text: string): string; btoa(binary: string): string };

/** Canonical padded base64: whole quads, then optionally one padded quad. */
const CANONICAL = /^(?:[A-Za-z\d+/]{4})*(?:[A-Za-z\d+/]{2}==|[A-Za-z\d+/]{3}=)?$/;

/** Bytes per `String.fromCharCode` call: a multiple of 3 below engine argument limits. */
const CHUNK = 0x3000;

/**
 * Encode bytes as padded standard base64.
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([1, 2, 3, 4])) // "AQIDBA=="
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return btoa(binary);
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
  return CANONICAL.test(text) ? Uint8Array.from(atob(text), (char) => char.charCodeAt(0)) : undefined;
}
