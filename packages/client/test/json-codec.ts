import { type Codec, type Frame, type Packet, type PacketDecoder, ProtocolError } from "@cometa/protocol";

/**
 * A test codec: one JSON text frame per packet, `Uint8Array`s as
 * `{"$bin":[…]}`, and `mid` kept. Enough to drive the Socket.IO layer without
 * depending on the real codecs.
 */
export const jsonTestCodec: Codec = {
  name: "json-test",
  encode(packet: Packet): Frame[] {
    return [JSON.stringify(packet, (_key, value) => (value instanceof Uint8Array ? { $bin: [...value] } : value))];
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
