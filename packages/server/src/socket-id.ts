import { randomFillSync } from "node:crypto";

/**
 * Socket.IO socket ids: 120 random bits as 20 base64url characters, the same
 * length as the reference's base64id (the sharded Redis adapter tells socket-id
 * rooms from other rooms by that length). Distinct from the Engine.IO sid.
 *
 * A socket id is minted on every namespace CONNECT, so this is on the
 * connection-setup path: randomness is drawn in batches (one fill per 256 ids)
 * and the 20 characters are built with one `String.fromCharCode` call, which
 * yields a flat string without the per-call overhead of `Buffer#toString`.
 */

const ID_BYTES = 15;
const POOL_IDS = 256;
const pool = new Uint8Array(ID_BYTES * POOL_IDS);
let offset = pool.length;

/** Character codes of the base64url alphabet. */
const ALPHABET = Uint8Array.from(
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
  (char) => char.charCodeAt(0),
);

/** The 24 bits at `at` in the pool. */
function word(at: number): number {
  return (pool[at]! << 16) | (pool[at + 1]! << 8) | pool[at + 2]!;
}

/** A fresh, unguessable socket id. */
export function createSocketId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const a = word(offset);
  const b = word(offset + 3);
  const c = word(offset + 6);
  const d = word(offset + 9);
  const e = word(offset + 12);
  offset += ID_BYTES;
  const t = ALPHABET;
  // biome-ignore format: four characters per 24-bit word
  return String.fromCharCode(
    t[a >>> 18]!, t[(a >>> 12) & 63]!, t[(a >>> 6) & 63]!, t[a & 63]!,
    t[b >>> 18]!, t[(b >>> 12) & 63]!, t[(b >>> 6) & 63]!, t[b & 63]!,
    t[c >>> 18]!, t[(c >>> 12) & 63]!, t[(c >>> 6) & 63]!, t[c & 63]!,
    t[d >>> 18]!, t[(d >>> 12) & 63]!, t[(d >>> 6) & 63]!, t[d & 63]!,
    t[e >>> 18]!, t[(e >>> 12) & 63]!, t[(e >>> 6) & 63]!, t[e & 63]!,
  );
}
