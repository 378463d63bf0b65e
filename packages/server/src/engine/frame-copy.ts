/** Frames below this size are carved out of a shared slab; larger ones get their own buffer. */
const SLAB_FRAME_MAX = 4096;
const SLAB_SIZE = 64 * 1024;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

/**
 * Copy a borrowed binary frame. `ArrayBuffer#slice` costs a fresh backing
 * store per message (malloc, registration, sweeping: ~6× the copy itself), so
 * small frames are copied into a shared 64 KiB slab instead, as Node's
 * `Buffer` pool does: a kept frame keeps its slab alive, nothing else. The
 * copy is a plain `Uint8Array` the receiver owns (nothing else writes there).
 */
export function copyFrame(data: ArrayBuffer): Uint8Array {
  const length = data.byteLength;
  if (length >= SLAB_FRAME_MAX) return new Uint8Array(data.slice(0));
  if (slabUsed + length > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabUsed = 0;
  }
  const copy = new Uint8Array(slab, slabUsed, length);
  copy.set(new Uint8Array(data));
  // 8-byte aligned, so a receiver can still lay a Float64Array or DataView over its frame cheaply.
  slabUsed += (length + 7) & ~7;
  return copy;
}
