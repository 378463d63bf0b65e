import { EngineErrorCode } from "@cometa/protocol";
import { type EngineResponse, errorResponse } from "./handshake.js";
import type { HeaderPair } from "./platform.js";

/** A valid `Sec-WebSocket-Key`: 16 bytes in base64 (RFC 6455 §4.1). */
const KEY = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

const VERSION_HEADERS: readonly HeaderPair[] = [["Sec-WebSocket-Version", "13"]];

/**
 * RFC 6455 checks the platform skips (uWS 20.30 accepts version 8 and
 * upgrades without an `Upgrade` header): a request that fails them is
 * answered over HTTP and never upgraded.
 *
 * - `Upgrade` not `websocket` → 400 `{"code":3}`;
 * - `Sec-WebSocket-Version` not `13` → 426 with `Sec-WebSocket-Version: 13`;
 * - `Sec-WebSocket-Key` not 16 base64 bytes → 400 `{"code":3}`.
 */
export function checkWebSocketHandshake(headers: Readonly<Record<string, string>>): EngineResponse | undefined {
  if (headers.upgrade?.toLowerCase() !== "websocket") return errorResponse(EngineErrorCode.BAD_REQUEST, []);
  if (headers["sec-websocket-version"] !== "13") {
    const refused = errorResponse(EngineErrorCode.BAD_REQUEST, [], "Unsupported WebSocket version", 426);
    return { ...refused, headers: [...refused.headers, ...VERSION_HEADERS] };
  }
  const key = headers["sec-websocket-key"];
  if (key === undefined || !KEY.test(key)) return errorResponse(EngineErrorCode.BAD_REQUEST, []);
  return undefined;
}
