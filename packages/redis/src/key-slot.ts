/**
 * The Redis Cluster hash slot of a key or sharded channel: CRC16/XMODEM of the
 * key (or of its `{hash tag}`) modulo 16384. Channel names built by
 * `ChannelNames` escape braces, so they never carry a hash tag, but the rule
 * is implemented in full so any key maps like Redis maps it.
 */

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  TABLE[i] = crc;
}

function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** Hash slot (0…16383) of `key`. */
export function keySlot(key: string): number {
  const bytes = Buffer.from(key);
  const open = bytes.indexOf(0x7b); // "{"
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1); // "}"
    if (close > open + 1) return crc16(bytes, open + 1, close) & 16383;
  }
  return crc16(bytes, 0, bytes.length) & 16383;
}
