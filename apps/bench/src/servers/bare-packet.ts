/**
 * Reading the client packets the bare uWS server acts on, straight from the msgpack bytes.
 */
import type { MsgpackCursor } from "./msgpack-cursor.js";

/** The fields of a client packet the bare server acts on; `dataAt` is where `data` starts (or -1). */
export interface ClientPacket {
  type: number;
  id: number;
  isRootNamespace: boolean;
  dataAt: number;
}

const KEY_T = 0x74; // "type"
const KEY_D = 0x64; // "data"
const KEY_N = 0x6e; // "nsp"
const KEY_I = 0x69; // "id"

/**
 * Reads the top-level packet map in any key order (PROTOCOL.md §4.2) into `out`, skipping unknown
 * keys such as the official client's `options`. Throws `RangeError` on malformed input.
 */
export function readClientPacket(cursor: MsgpackCursor, out: ClientPacket): void {
  out.type = -1;
  out.id = -1;
  out.isRootNamespace = false;
  out.dataAt = -1;
  const bytes = cursor.bytes;
  const entries = cursor.mapHeader();
  for (let i = 0; i < entries; i++) {
    const keyLength = cursor.strHeader();
    const first = bytes[cursor.pos];
    cursor.pos += keyLength;
    if (keyLength === 4 && first === KEY_T) out.type = cursor.uintValue();
    else if (keyLength === 4 && first === KEY_D) {
      out.dataAt = cursor.pos;
      cursor.skip();
    } else if (keyLength === 3 && first === KEY_N) {
      // "/" is a1 2f: compare bytes instead of allocating a string.
      out.isRootNamespace = bytes[cursor.pos] === 0xa1 && bytes[cursor.pos + 1] === 0x2f;
      cursor.skip();
    } else if (keyLength === 2 && first === KEY_I) out.id = cursor.uintValue();
    else cursor.skip();
  }
}
