import { randomFillSync } from "node:crypto";

/** Bytes of randomness per id: 15 bytes = 120 bits → 20 base64url characters, like the reference sid length. */
const ID_BYTES = 15;
const POOL_IDS = 256;

const pool = Buffer.allocUnsafe(ID_BYTES * POOL_IDS);
let next = POOL_IDS;

/**
 * Separates the owner's node id from the random part in a routed sid
 * (`<nodeId>.<random>`). Never part of base64url, so the split is unambiguous,
 * and URL- and cookie-safe, so clients carry the sid unchanged.
 */
export const OWNER_SEPARATOR = ".";

/** What a node id may look like: short, URL-safe, no separator. */
export const NODE_ID_SHAPE = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * A fresh Engine.IO session id with 120 bits from the OS CSPRNG (RELIABILITY
 * S3: unguessable, so a cross-site POST cannot target a victim's session).
 * Refills a pool of 256 ids per system call instead of one call per handshake.
 * With `owner` (a node id), the sid is `<owner>.<random>`: any node can tell
 * where the session lives without a lookup (see `SessionRouter`).
 */
export function generateSessionId(owner?: string): string {
  if (next === POOL_IDS) {
    randomFillSync(pool);
    next = 0;
  }
  const start = next++ * ID_BYTES;
  const random = pool.toString("base64url", start, start + ID_BYTES);
  return owner === undefined ? random : `${owner}${OWNER_SEPARATOR}${random}`;
}

/** The node id named by a routed sid, or undefined for a plain (or malformed) one. */
export function sessionOwner(sid: string): string | undefined {
  const mark = sid.indexOf(OWNER_SEPARATOR);
  if (mark <= 0) return undefined;
  const owner = sid.slice(0, mark);
  return NODE_ID_SHAPE.test(owner) ? owner : undefined;
}
