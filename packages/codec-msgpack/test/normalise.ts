/**
 * Comparable forms of decoded values: every binary kind (Buffer, Uint8Array,
 * ArrayBuffer, other views) becomes `{ bytes: [...] }` and a Date `{ date: ms }`,
 * so packets from different decoders compare by content.
 */
export function normalise(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return { bytes: Array.from(new Uint8Array(value)) };
  if (ArrayBuffer.isView(value)) return { bytes: Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) };
  if (value instanceof Date) return { date: value.getTime() };
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = normalise((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The Socket.IO packet fields only (official decoders keep unknown keys such as `options`). */
export function packetFields(packet: unknown): unknown {
  const { type, nsp, data, id } = packet as Record<string, unknown>;
  const out: Record<string, unknown> = { type, nsp };
  if (data !== undefined) out.data = data;
  if (id !== undefined) out.id = id;
  return normalise(out);
}
