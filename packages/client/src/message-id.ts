/**
 * Client message ids (`Packet.mid`, decision 0003): one per emit made under
 * `retries`, identical on every retransmission, so a server can de-duplicate.
 * An id is a random per-socket prefix (10 base-36 characters, ~52 bits) plus a
 * counter, e.g. `k3v9q0z1ab.1f`: unique within the socket without any
 * coordination, and far below the 64-character limit.
 *
 * @example
 * ```ts
 * const next = createMessageIds(Math.random);
 * next(); // "k3v9q0z1ab.0"
 * next(); // "k3v9q0z1ab.1"
 * ```
 */
export function createMessageIds(random: () => number): () => string {
  let prefix = "";
  for (let i = 0; i < 10; i++) prefix += Math.floor(random() * 36).toString(36);
  let counter = 0;
  return () => `${prefix}.${(counter++).toString(36)}`;
}
