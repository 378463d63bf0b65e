import {
  type Codec,
  type Frame,
  type Packet,
  type PacketDecoder,
  ProtocolError,
  type ValueLimits,
  validatePacket,
} from "@cometa/protocol";
import { Unpackr } from "msgpackr";
import { type MsgpackCodecOptions, resolveLimits } from "./lite/codec-options.js";
import { textFrameError } from "./lite/lite-codec.js";
import { writePacket } from "./lite/packet-writer.js";
import { readValue } from "./lite/value-reader.js";
import { HAS_EXT0, scanStructure } from "./structure-scan.js";

/*
 * Why msgpackr sits behind a scanner instead of being configured:
 * msgpackr's extension table is process-wide (`addExtension` would change how
 * every other msgpackr user in the process reads RegExp, Error, Set, BigInt,
 * records, Dates…), it returns a live object for 0xc1, recurses without a
 * depth limit and has no node budget. So `scanStructure` validates the frame
 * first without allocating, and msgpackr only ever sees documents made of
 * nil/bool/numbers/strings/bin/arrays/string-keyed maps. Nothing global is
 * touched: other msgpackr users in the process see no change.
 *
 * Two kinds of frames skip msgpackr for the lite reader (same checks, same
 * results, proven by the differential property tests):
 * - frames holding notepack ext 0 (undefined, Date, ext bytes; CONNECT
 *   packets mostly), which msgpackr's shared table reads as `undefined`;
 * - frames under MSGPACKR_MIN_BYTES, where one hardened pass beats scan +
 *   msgpackr's per-call set-up (measured: docs/benchmarks/codecs.md).
 */
const MSGPACKR_MIN_BYTES = 512;

const unpackr = new Unpackr({
  useRecords: false, // 0x40–0x7f stay plain integers
  mapsAsObjects: true,
  structuredClone: false,
  moreTypes: false,
  int64AsType: "number", // uint64/int64 → hi·2^32 + lo, exactly like notepack and the lite reader
  copyBuffers: true, // bin values must not alias the (possibly borrowed) frame
});

/**
 * Create the MessagePack codec on msgpackr, wire-compatible with
 * `socket.io-msgpack-parser` 3.x (official clients and servers using the
 * msgpack parser talk to it unchanged; PROTOCOL.md §4).
 *
 * - Encoding: one binary frame per packet; a map with keys in the reference
 *   order, `nsp` always written, absent `data`/`id` left out; binary of any
 *   kind (Buffer, Uint8Array, other typed arrays, DataView, ArrayBuffer) as
 *   `bin`; Date as notepack ext 0. Frames are views into a shared slab: send
 *   them with their `byteOffset`/`byteLength`, never as `frame.buffer`.
 *   Throws `MsgpackCodecError` only for packets no peer could accept.
 * - Decoding never throws: hostile input yields a `ProtocolError` with a
 *   precise `code`. Binary values decode to `Buffer` copies.
 *
 * @example
 * ```ts
 * import { createMsgpackCodec } from "@cometa/codec-msgpack";
 * const codec = createMsgpackCodec({ maxDepth: 16, maxNodes: 5_000 });
 * const [frame] = codec.encode({ type: 2, nsp: "/", data: ["hello", Buffer.from([1])] });
 * const packet = codec.createDecoder().add(frame!); // { type: 2, nsp: "/", data: [...] }
 * ```
 */
export function createMsgpackCodec(options?: MsgpackCodecOptions): Codec {
  // Stateless: one frame is one packet, so all connections share one decoder.
  const decoder = createMsgpackDecoder(resolveLimits(options), MSGPACKR_MIN_BYTES);
  return {
    name: "msgpack",
    encode: (packet) => [writePacket(packet)],
    createDecoder: () => decoder,
  };
}

/**
 * The decoder of `createMsgpackCodec`. Internal: tests pass
 * `msgpackrMinBytes` 0 to send every frame through the msgpackr path.
 */
export function createMsgpackDecoder(limits: ValueLimits, msgpackrMinBytes: number): PacketDecoder {
  return {
    add(frame: Frame): Packet | ProtocolError {
      if (typeof frame === "string") return textFrameError();
      let value: unknown;
      // Bin values come out of the input's species: Buffers for Node users.
      if (frame.length < msgpackrMinBytes) value = readValue(Buffer.isBuffer(frame) ? frame : asBuffer(frame), limits);
      else {
        // Always a fresh view (no copy): msgpackr caches a DataView on its input,
        // which must not land on the caller's object.
        const bytes = asBuffer(frame);
        const scan = scanStructure(bytes, limits);
        if (scan instanceof ProtocolError) return scan;
        value = scan & HAS_EXT0 ? readValue(bytes, limits) : unpackSafely(bytes);
      }
      return value instanceof ProtocolError ? value : validatePacket(value);
    },
    reset() {},
  };
}

function asBuffer(frame: Uint8Array): Buffer {
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

function unpackSafely(bytes: Buffer): unknown {
  try {
    return unpackr.unpack(bytes);
  } catch (err) {
    // Unreachable for scanned input; kept so a msgpackr surprise never becomes a throw.
    return new ProtocolError("DECODE_MALFORMED", "msgpackr failed on a scanned frame", { cause: err });
  }
}

/** The msgpackr codec with default limits (depth 32, 10 000 values). The server's default codec. */
export const msgpackCodec: Codec = createMsgpackCodec();
