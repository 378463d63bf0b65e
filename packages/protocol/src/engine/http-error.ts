/**
 * Engine.IO HTTP error codes 0–5 (PROTOCOL.md §2.9). The body is always
 * `{"code":n,"message":"…"}` with `Content-Type: application/json`.
 */
export const EngineErrorCode = {
  UNKNOWN_TRANSPORT: 0,
  UNKNOWN_SID: 1,
  BAD_HANDSHAKE_METHOD: 2,
  BAD_REQUEST: 3,
  FORBIDDEN: 4,
  UNSUPPORTED_PROTOCOL_VERSION: 5,
} as const;

/** A numeric Engine.IO HTTP error code. */
export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode];

/** Message text and HTTP status for each code, exactly as the reference server sends them. */
export const ENGINE_ERRORS: Readonly<Record<EngineErrorCode, { readonly message: string; readonly status: number }>> = {
  0: { message: "Transport unknown", status: 400 },
  1: { message: "Session ID unknown", status: 400 },
  2: { message: "Bad handshake method", status: 400 },
  3: { message: "Bad request", status: 400 },
  4: { message: "Forbidden", status: 403 },
  5: { message: "Unsupported protocol version", status: 400 },
};

/**
 * The JSON body for an Engine.IO HTTP error.
 *
 * @example
 * ```ts
 * engineErrorBody(1) // '{"code":1,"message":"Session ID unknown"}'
 * ```
 */
export function engineErrorBody(code: EngineErrorCode, message?: string): string {
  return JSON.stringify({ code, message: message ?? ENGINE_ERRORS[code].message });
}
