/**
 * Base class of every error Cometa creates. `code` is a stable string that
 * programs can switch on; `message` is for humans and may change.
 *
 * @example
 * ```ts
 * if (err instanceof CometaError && err.code === "DECODE_DEPTH_EXCEEDED") { ... }
 * ```
 */
export class CometaError<C extends string = string> extends Error {
  /** Stable machine-readable code, e.g. `INVALID_PACKET`. */
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Codes a decoder or validator reports for invalid wire input. */
export type ProtocolErrorCode =
  | "INVALID_FRAME" // empty frame, unknown Engine.IO type character
  | "INVALID_PAYLOAD" // malformed long-polling payload (bad base64, too many packets)
  | "INVALID_PACKET" // Socket.IO packet shape violates PROTOCOL.md §3.1
  | "INVALID_NAMESPACE" // nsp not a string starting with "/", too long, control characters
  | "INVALID_ACK_ID" // ack id not an integer in 0…2^31−1
  | "INVALID_ATTACHMENTS" // text codec: bad placeholder, wrong attachment count, unexpected binary frame
  | "DECODE_MALFORMED" // bytes are not a well-formed document (truncated, trailing bytes, bad JSON)
  | "DECODE_TYPE_REJECTED" // a value type that is never allowed (ext types, reserved byte 0xc1, non-string map keys)
  | "DECODE_DEPTH_EXCEEDED" // nesting deeper than the configured limit
  | "DECODE_BUDGET_EXCEEDED" // more values than the configured node budget
  | "DECODE_LENGTH_EXCEEDED" // a declared or actual length above the configured limit
  | "DECODE_FORBIDDEN_KEY"; // `__proto__` (and friends) as an object key

/**
 * Invalid input from the wire. Decoders *return* this (never throw it), so a
 * hostile peer can never raise an exception inside the server's event loop.
 */
export class ProtocolError extends CometaError<ProtocolErrorCode> {}
