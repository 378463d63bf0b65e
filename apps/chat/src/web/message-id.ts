const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * A random 16-character id for a message draft (96 bits). `getRandomValues`
 * rather than `randomUUID`, which browsers only offer on https pages and
 * localhost: the demo must work when opened by LAN address too.
 */
export function newMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = "";
  for (const byte of bytes) id += ALPHABET[byte & 63];
  return id;
}
