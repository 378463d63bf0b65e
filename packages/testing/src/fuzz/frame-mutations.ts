import type { Prng } from "./prng.js";
import type { EncodedFrames } from "./ws-frames.js";

/**
 * Mutations of the WebSocket framing itself (RFC 6455 §5.2): lies in the
 * payload length, reserved bits, unknown opcodes, a cleared mask bit or FIN
 * flag. They target the frame parser of uWS and the close paths of our
 * engine rather than the Socket.IO decoders.
 */

/** Apply one framing mutation to an encoded client stream (the input is not modified). */
export function mutateFraming(encoded: EncodedFrames, prng: Prng): Uint8Array {
  const out = encoded.wire.slice();
  if (encoded.headers.length === 0) return out;
  const header = prng.pick(encoded.headers);
  const at = header.offset;
  switch (prng.int(6)) {
    case 0:
      lieAboutLength(out, at, header.extendedLength, prng);
      break;
    case 1:
      out[at] = out[at]! | prng.pick([0x40, 0x20, 0x10, 0x70]); // RSV1–3: no extension negotiated them
      break;
    case 2:
      out[at] = (out[at]! & 0xf0) | prng.pick([0x0, 0x3, 0x7, 0xb, 0xf]); // continuation out of place, reserved opcodes
      break;
    case 3:
      out[at + 1] = out[at + 1]! & 0x7f; // unmasked client frame (this uWS build accepts them)
      break;
    case 4:
      out[at] = out[at]! & 0x7f; // FIN cleared: the next frame is not a continuation
      break;
    default:
      out[at] = (out[at]! & 0xf0) | prng.pick([0x8, 0x9, 0xa]); // a data payload sent as a control frame
      break;
  }
  return out;
}

function lieAboutLength(out: Uint8Array, at: number, extended: 0 | 2 | 8, prng: Prng): void {
  const maskBit = out[at + 1]! & 0x80;
  if (extended === 0) {
    // Any 7-bit value desynchronises the stream; 126/127 make the next bytes an extended length.
    out[at + 1] = maskBit | prng.pick([0, 1, 125, 126, 127, prng.int(128)]);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset);
  if (extended === 2) {
    view.setUint16(at + 2, prng.pick([0, 1, 125, 126, 0xffff, prng.int(0x10000)]));
    return;
  }
  // 64-bit lengths: the MSB must be 0 (RFC 6455), past 2^53 no JS number holds it, 2^32 overflows 32-bit math.
  view.setBigUint64(at + 2, prng.pick([0n, 125n, 0x1_0000_0000n, 0x20_0000_0000_0000n, 0x8000_0000_0000_0000n, 0xffff_ffff_ffff_ffffn]));
}
