/**
 * Order two recovery offsets of the same room's log: negative when `a` came
 * first, positive when `b` did, 0 for the same entry; undefined when they
 * cannot be compared (not Cometa offsets, or from two different logs, e.g.
 * before and after a server restart that lost its memory).
 *
 * Offsets are opaque to Socket.IO; this relies on the format Cometa's
 * server documents (docs/guides/delivery-guarantees.md): `<epoch>.<position>`,
 * the position being a base-36 sequence number (memory log) or a Redis stream
 * id `<ms>-<seq>` (shared log). Each `-`-separated part is a number without
 * leading zeros, in base 36 at most, whose digits sort like their characters:
 * the longer part is the larger, and equal lengths compare character by
 * character. No number parsing, so no precision limit.
 *
 * @example
 * ```ts
 * compareOffsets("k3f9q2.z", "k3f9q2.10"); // < 0: 35 comes before 36
 * compareOffsets("k3f9q2.1", "m00000.2"); // undefined: two logs
 * ```
 */
export function compareOffsets(a: string, b: string): number | undefined {
  const dotA = a.indexOf(".");
  const dotB = b.indexOf(".");
  if (dotA <= 0 || dotB <= 0 || a.slice(0, dotA) !== b.slice(0, dotB)) return undefined;
  const partsA = a.slice(dotA + 1).split("-");
  const partsB = b.slice(dotB + 1).split("-");
  if (partsA.length !== partsB.length) return undefined;
  for (let i = 0; i < partsA.length; i++) {
    const x = partsA[i]!;
    const y = partsB[i]!;
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
