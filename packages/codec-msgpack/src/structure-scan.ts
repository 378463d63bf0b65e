import { ProtocolError, type ValueLimits } from "@cometa/protocol";

/*
 * A non-allocating pass over a MessagePack document that enforces every rule
 * of the lite reader (`lite/value-reader.ts`) — same checks, same order, same
 * error codes — without building any value. It lets msgpackr, which has no
 * per-instance way to refuse extensions, depth or size, materialise only
 * documents already known to be safe: no extension reaches it (so its
 * process-wide extension table, with RegExp/Error/Set/BigInt/records, is never
 * consulted and never modified), no 0xc1, no non-string or `__proto__` key,
 * nesting ≤ maxDepth (so its recursion is bounded), at most maxNodes values,
 * every length within the frame and no trailing bytes.
 *
 * Iterative, with the open containers on two small typed-array stacks.
 */

/** Scan result flag: the document holds notepack ext-0 values (undefined, Date, bytes) that msgpackr cannot read right. */
export const HAS_EXT0 = 1;

// Remaining items (map keys and values both count) and "is a map" per open container.
const remainingStack = new Uint32Array(1002);
const mapStack = new Uint8Array(1002);
// Payload sizes of the fixed-width scalars 0xca…0xd3 (float32, float64, uint8…64, int8…64).
const FIXED_WIDTH = [4, 8, 1, 2, 4, 8, 1, 2, 4, 8];
// "__proto__" in UTF-8; no other byte sequence decodes to that string.
const PROTO = [0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f];

const truncated = (pos: number) => new ProtocolError("DECODE_MALFORMED", `truncated at ${pos}`);

/**
 * Check that `src` is exactly one safe MessagePack document within `limits`.
 * Returns flags (`HAS_EXT0`) or the `ProtocolError` the lite reader would
 * return for the same bytes. Never throws, never allocates per value.
 */
export function scanStructure(src: Uint8Array, limits: ValueLimits): number | ProtocolError {
  const end = src.length;
  let pos = 0;
  let nodes = 1;
  let flags = 0;
  let top = 0; // open containers = depth of the next container
  let remaining = 1; // items left in the current container (the root: one value)
  let inMap = 0;
  for (;;) {
    while (remaining === 0) {
      if (top === 0) {
        return pos === end ? flags : new ProtocolError("DECODE_MALFORMED", `trailing bytes at ${pos}`);
      }
      top--;
      remaining = remainingStack[top]!;
      inMap = mapStack[top]!;
    }
    // Map items alternate key, value: an even count left means a key comes next.
    const isKey = inMap === 1 && (remaining & 1) === 0;
    remaining--;
    if (pos >= end) return truncated(pos);
    const t = src[pos++]!;
    let size = -1; // bytes to skip after the header, or -1 for none
    let entries = -1; // container entries, or -1 for a scalar
    let perEntry = 1;
    if (isKey) {
      if (t >= 0xa0 && t < 0xc0) size = t & 0x1f;
      else if (t < 0xd9 || t > 0xdb) return new ProtocolError("DECODE_TYPE_REJECTED", "non-string key");
    } else if (t < 0x80 || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) {
      continue;
    } else if (t < 0x90) {
      entries = t & 0x0f;
      perEntry = 2;
    } else if (t < 0xa0) entries = t & 0x0f;
    else if (t < 0xc0) size = t & 0x1f;
    else if (t >= 0xca && t <= 0xd3) size = FIXED_WIDTH[t - 0xca]!;
    else if (t >= 0xd4 && t <= 0xd8) {
      if (pos >= end) return truncated(pos);
      if (src[pos] !== 0) return extError(src[pos]!);
      pos++;
      flags |= HAS_EXT0;
      size = 1 << (t - 0xd4);
    } else if (t === 0xc1) return new ProtocolError("DECODE_TYPE_REJECTED", "reserved byte 0xc1");
    if (size < 0 && entries < 0) {
      // Everything left has a 1-, 2- or 4-byte big-endian length first.
      const width =
        t <= 0xc6 ? 1 << (t - 0xc4) : t <= 0xc9 ? 1 << (t - 0xc7) : t <= 0xdb ? 1 << (t - 0xd9) : t & 1 ? 4 : 2;
      if (end - pos < width) return truncated(pos);
      let n = 0;
      for (let i = 0; i < width; i++) n = n * 256 + src[pos++]!;
      if (t >= 0xc7 && t <= 0xc9) {
        // ext 8/16/32: the type byte follows the length.
        if (pos >= end) return truncated(pos);
        if (src[pos] !== 0) return extError(src[pos]!);
        pos++;
        flags |= HAS_EXT0;
      }
      if (t >= 0xdc) {
        entries = n;
        perEntry = t >= 0xde ? 2 : 1;
      } else size = n;
    }
    if (size >= 0) {
      if (end - pos < size) return truncated(pos);
      if (isKey && size === 9 && isProtoKey(src, pos)) {
        return new ProtocolError("DECODE_FORBIDDEN_KEY", "__proto__ key");
      }
      pos += size;
      continue;
    }
    // A container: depth, declared size and budget, in the lite reader's order.
    if (top >= limits.maxDepth) return new ProtocolError("DECODE_DEPTH_EXCEEDED", `depth > ${limits.maxDepth}`);
    if (entries * perEntry > end - pos) {
      return new ProtocolError("DECODE_MALFORMED", `${entries} entries overrun the input at ${pos}`);
    }
    nodes += entries;
    if (nodes > limits.maxNodes) {
      return new ProtocolError("DECODE_BUDGET_EXCEEDED", `over ${limits.maxNodes} values`);
    }
    remainingStack[top] = remaining;
    mapStack[top] = inMap;
    top++;
    remaining = entries * perEntry;
    inMap = perEntry === 2 ? 1 : 0;
  }
}

function extError(byte: number): ProtocolError {
  return new ProtocolError("DECODE_TYPE_REJECTED", `ext type ${(byte << 24) >> 24}`);
}

function isProtoKey(src: Uint8Array, at: number): boolean {
  for (let i = 0; i < 9; i++) if (src[at + i] !== PROTO[i]) return false;
  return true;
}
