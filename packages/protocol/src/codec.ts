import type { Frame } from "./engine/packet.js";
import type { ProtocolError } from "./errors.js";
import type { Packet } from "./socketio/packet.js";

/**
 * A Socket.IO parser: turns packets into Engine.IO message payloads and back.
 * Cometa ships two: the default text codec (JSON + binary attachments, in this
 * package) and the MessagePack codec (`@cometa/codec-msgpack`, the default).
 *
 * Encoding is done once per broadcast and the frames are shared by every
 * recipient, so implementations must not mutate or reuse returned frames.
 *
 * @example
 * ```ts
 * const frames = codec.encode({ type: PacketType.EVENT, nsp: "/", data: ["hello", 1] });
 * const decoder = codec.createDecoder();
 * for (const f of frames) {
 *   const r = decoder.add(f);
 *   if (r instanceof ProtocolError) closeConnection(r.code);
 *   else if (r !== undefined) dispatch(r);
 * }
 * ```
 */
export interface Codec {
  /** `"msgpack"`, `"text"`, … Used to key per-codec caches (broadcast frames, topics). */
  readonly name: string;
  /**
   * Encode one packet into one or more frames. The text codec returns the text
   * frame followed by one binary frame per attachment; MessagePack returns one
   * binary frame. Throws only for programmer errors (e.g. a cyclic object).
   */
  encode(packet: Packet): Frame[];
  /** A decoder for one connection: the text codec keeps attachment state between frames. */
  createDecoder(): PacketDecoder;
}

/**
 * Per-connection decoding state. Feed it every Engine.IO `message` payload in
 * order. It never throws on bad input.
 */
export interface PacketDecoder {
  /**
   * Returns the packet when one is complete, `undefined` when more frames are
   * needed (text codec attachments), or a `ProtocolError` for invalid input;
   * after an error the decoder is reset and the connection should be closed,
   * except after a `ConnectRefusal` (a CONNECT to refuse with CONNECT_ERROR:
   * the connection stays usable).
   */
  add(frame: Frame): Packet | undefined | ProtocolError;
  /** Drop any partial state (pending attachments). */
  reset(): void;
}
