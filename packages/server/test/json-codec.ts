import type { Codec, Frame, Packet, PacketDecoder } from "@cometa/protocol";
import { ProtocolError } from "@cometa/protocol";

/**
 * A minimal JSON codec for unit tests: one text frame per packet, no binary.
 * Counts encode calls so tests can assert "encoded once per broadcast".
 */
export class CountingJsonCodec implements Codec {
  encodes = 0;

  constructor(readonly name = "json") {}

  encode(packet: Packet): Frame[] {
    this.encodes++;
    return [JSON.stringify(packet)];
  }

  createDecoder(): PacketDecoder {
    return {
      add(frame: Frame): Packet | undefined | ProtocolError {
        if (typeof frame !== "string") return new ProtocolError("INVALID_PACKET", "binary frame");
        try {
          const packet = JSON.parse(frame) as Packet;
          if (typeof packet !== "object" || packet === null || typeof packet.nsp !== "string") {
            return new ProtocolError("INVALID_PACKET", "not a packet");
          }
          return packet;
        } catch {
          return new ProtocolError("DECODE_MALFORMED", "bad json");
        }
      },
      reset() {},
    };
  }
}
