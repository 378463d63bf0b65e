import { randomFillSync } from "node:crypto";

/**
 * Socket.IO socket ids: 120 random bits as 20 base64url characters, the same
 * length as the reference's base64id (the sharded Redis adapter tells socket-id
 * rooms from other rooms by that length). Distinct from the Engine.IO sid.
 */

const ID_BYTES = 15;
// Draw randomness in batches: one syscall-backed fill per 256 ids instead of one per id.
const POOL_IDS = 256;
const pool = Buffer.alloc(ID_BYTES * POOL_IDS);
let offset = pool.length;

/** A fresh, unguessable socket id. */
export function createSocketId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("base64url", offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
