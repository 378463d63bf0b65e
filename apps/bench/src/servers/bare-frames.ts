/**
 * Hand-built msgpack Socket.IO frames for the bare uWS server: fixed byte prefixes and suffixes
 * around payload bytes copied verbatim from the client's packet, so a payload is never decoded or
 * re-encoded. Layouts follow socket.io-msgpack-parser (PROTOCOL.md §4.4).
 */
const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));
const str = (text: string): number[] => [0xa0 | text.length, ...ascii(text)];

/** `{type:2, data:["tick", …` up to the payload. */
const TICK_PREFIX = Buffer.from([0x83, ...str("type"), 0x02, ...str("data"), 0x92, ...str("tick")]);
/** `…], nsp:"/"}` after the last data element. */
const NSP_SUFFIX = Buffer.from([...str("nsp"), ...str("/")]);
/** `type:3, data:[` between the ack id and the ack value. */
const ACK_MIDDLE = Buffer.from([...str("type"), 0x03, ...str("data"), 0x91]);
const ID_KEY = Buffer.from(str("id"));

/** The `tick` EVENT frame carrying `payload` (msgpack bytes of one value). */
export function tickFrame(payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(TICK_PREFIX.length + payload.length + NSP_SUFFIX.length);
  TICK_PREFIX.copy(frame, 0);
  frame.set(payload, TICK_PREFIX.length);
  NSP_SUFFIX.copy(frame, TICK_PREFIX.length + payload.length);
  return frame;
}

function writeUint(frame: Buffer, at: number, value: number): number {
  if (value < 0x80) {
    frame[at] = value;
    return at + 1;
  }
  if (value < 0x100) {
    frame[at] = 0xcc;
    frame[at + 1] = value;
    return at + 2;
  }
  if (value < 0x10000) {
    frame[at] = 0xcd;
    frame.writeUInt16BE(value, at + 1);
    return at + 3;
  }
  frame[at] = 0xce;
  frame.writeUInt32BE(value, at + 1);
  return at + 5;
}

/** The ACK frame `{id, type:3, data:[value], nsp:"/"}` where `value` is msgpack bytes of one value. */
export function ackFrame(id: number, value: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(1 + ID_KEY.length + 5 + ACK_MIDDLE.length + value.length + NSP_SUFFIX.length);
  frame[0] = 0x84;
  ID_KEY.copy(frame, 1);
  let at = writeUint(frame, 1 + ID_KEY.length, id);
  at += ACK_MIDDLE.copy(frame, at);
  frame.set(value, at);
  at += value.length;
  at += NSP_SUFFIX.copy(frame, at);
  return frame.subarray(0, at);
}

/** msgpack `true`, the `join` ack value. */
export const TRUE_VALUE = Uint8Array.of(0xc3);

/** The CONNECT reply `{type:0, data:{sid}, nsp:"/"}`. */
export function connectReplyFrame(sid: string): Buffer {
  return Buffer.from([0x83, ...str("type"), 0x00, ...str("data"), 0x81, ...str("sid"), ...str(sid), ...NSP_SUFFIX]);
}
