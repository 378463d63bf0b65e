/**
 * Recovery offsets: the opaque string appended to every logged event
 * (PROTOCOL.md §4.7). Ours carry the log's epoch, so an offset from a log
 * that lost its data (process or Redis restart) is refused instead of
 * silently replaying the wrong range.
 *
 * Format: `<epoch>.<position>`, e.g. `k3f9q2.1a` (memory: position in base 36)
 * or `k3f9q2.1700000000000-0` (Redis: the stream entry id).
 */

/** A parsed offset. */
export interface ParsedOffset {
  readonly epoch: string;
  readonly position: string;
}

/** Join an epoch and a position into an offset string. */
export function formatOffset(epoch: string, position: string): string {
  return `${epoch}.${position}`;
}

/** Split an offset; undefined for anything that is not one of ours (wrong type, no dot, empty parts, too long). */
export function parseOffset(offset: unknown): ParsedOffset | undefined {
  if (typeof offset !== "string" || offset.length > 100) return undefined;
  const dot = offset.indexOf(".");
  if (dot <= 0 || dot === offset.length - 1) return undefined;
  return { epoch: offset.slice(0, dot), position: offset.slice(dot + 1) };
}

/** A fresh epoch: time plus randomness, so two logs (or one log before and after a restart) never share one. */
export function newEpoch(now = Date.now(), random = Math.random): string {
  return `${now.toString(36)}${Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, "0")}`;
}
