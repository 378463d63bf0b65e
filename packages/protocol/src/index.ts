/**
 * @cometa/protocol — the Socket.IO wire protocol with no platform code.
 *
 * - Engine.IO v4: packets, WebSocket frames, long-polling payloads, the
 *   handshake, HTTP error codes and close reasons.
 * - Socket.IO v5: packets, validation, namespace and ack-id rules.
 * - The `Codec` interface and the Socket.IO default text codec (`textCodec`
 *   for servers, which validate every packet; `clientTextCodec` for clients,
 *   which check only what they act on, see `trustedPacket`).
 *
 * It imports nothing and runs unchanged in browsers and Node.
 *
 * @example
 * ```ts
 * import { encodePayload, decodePayload, textCodec, PacketType } from "@cometa/protocol";
 * const [frame] = textCodec.encode({ type: PacketType.EVENT, nsp: "/", data: ["hi"] });
 * const body = encodePayload([{ type: "message", data: frame }]); // '42["hi"]'
 * ```
 */
export { CometaError, ProtocolError, type ProtocolErrorCode } from "./errors.js";
export { ENGINE_PACKET_TYPES, type EnginePacket, type EnginePacketType, type Frame } from "./engine/packet.js";
export type { HandshakeData } from "./engine/handshake.js";
export { encodeFrame, decodeFrame } from "./engine/frame.js";
export {
  DEFAULT_MAX_PAYLOAD_PACKETS,
  type DecodePayloadOptions,
  decodePayload,
  encodePayload,
  encodePayloadFrames,
  PAYLOAD_SEPARATOR,
} from "./engine/payload.js";
export { decodeBase64, encodeBase64 } from "./engine/base64.js";
export { ENGINE_ERRORS, EngineErrorCode, engineErrorBody } from "./engine/http-error.js";
export type { EngineCloseReason } from "./engine/close-reason.js";
export {
  MAX_ACK_ID,
  PACKET_ACK,
  PACKET_BINARY_ACK,
  PACKET_BINARY_EVENT,
  PACKET_CONNECT,
  PACKET_CONNECT_ERROR,
  PACKET_DISCONNECT,
  PACKET_EVENT,
  type Packet,
  PacketType,
  RESERVED_EVENTS,
} from "./socketio/packet.js";
export {
  isEventName,
  isValidAckId,
  isValidNamespace,
  MAX_MESSAGE_ID_LENGTH,
  MAX_NAMESPACE_LENGTH,
  type ValidatePacketOptions,
  validatePacket,
} from "./socketio/validate.js";
export { ConnectRefusal, type ConnectRefusalReason } from "./socketio/connect-refusal.js";
export type { Codec, PacketDecoder } from "./codec.js";
export { createTextCodec, DEFAULT_MAX_ATTACHMENTS, type TextCodecOptions, textCodec } from "./text-codec/text-codec.js";
export { TextPacketDecoder } from "./text-codec/text-decoder.js";
export { clientTextCodec } from "./text-codec/client-text-codec.js";
export { trustedPacket } from "./socketio/trusted-packet.js";
export { DEFAULT_VALUE_LIMITS, guardValue, type ValueLimits } from "./socketio/value-guard.js";
export type {
  AckArgs,
  AckCallbackOf,
  AllButLast,
  DecorateAcknowledgements,
  DecorateAcknowledgementsWithMultipleResponses,
  DefaultEventsMap,
  EventListener,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  ExpectMultipleResponses,
  FallbackToUntypedListener,
  FirstAckArg,
  FirstNonErrorArg,
  Last,
  PrependTimeoutError,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
} from "./typed-events.js";
