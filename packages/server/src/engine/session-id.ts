import { randomFillSync } from "node:crypto";

/** Bytes of randomness per id: 15 bytes = 120 bits → 20 base64url characters, like the reference sid length. */
const ID_BYTES = 15;
const POOL_IDS = 256;

const pool = Buffer.allocUnsafe(ID_BYTES * POOL_IDS);
let next = POOL_IDS;

/**
 * A fresh Engine.IO session id with 120 bits from the OS CSPRNG (RELIABILITY
 * S3: unguessable, so a cross-site POST cannot target a victim's session).
 * Refills a pool of 256 ids per system call instead of one call per handshake.
 */
export function generateSessionId(): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const start = next++ * ID_BYTES;
  return pool.toString("base64url", start, start + ID_BYTES);
}
