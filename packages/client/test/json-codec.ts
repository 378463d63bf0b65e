import { type Codec, type Frame, type Packet, type PacketDecoder, ProtocolError } from "@cometa/protocol";

/** The bytes of an `ArrayBuffer` or any view of one (as the real codecs take them), else undefined. */
const bytesOf = (value: unknown): Uint8Array | undefined =>
  value instanceof ArrayBuffer
    ? new Uint8Array(value)
    : ArrayBuffer.isView(value)
      ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      : undefined;

/**
 * A test codec: one JSON text frame per packet, binary values (decoded as
 * `Uint8Array`s) as `{"$bin":[…]}`, and `mid` kept. Enough to drive the
 * Socket.IO layer without depending on the real codecs.
 */
export const jsonTestCodec: Codec = {
  name: "json-test",
  encode(packet: Packet): Frame[] {
    return [
      JSON.stringify(packet, function (this: Record<string, unknown>, key, value) {
        // `this[key]` is the value before toJSON (a Buffer has one).
        const bytes = bytesOf(this[key]);
        return bytes ? { $bin: [...bytes] } : value;
      }),
    ];
  },
  createDecoder(): PacketDecoder {
    return {
      add(frame: Frame) {
        if (typeof frame !== "string") return new ProtocolError("INVALID_FRAME", "binary frame");
        try {
          return JSON.parse(frame, (_key, value) =>
            value !== null && typeof value === "object" && Array.isArray(value.$bin) ? new Uint8Array(value.$bin) : value,
          ) as Packet;
        } catch {
          return new ProtocolError("DECODE_MALFORMED", "bad JSON");
        }
      },
      reset() {},
    };
  },
};
