import { EngineErrorCode } from "@cometa/protocol";
import type { TransportName } from "./engine-options.js";
import type { EngineRequest } from "./platform.js";

/** Where a verified request goes next. */
export type RequestRoute<S> =
  | { readonly kind: "error"; readonly code: EngineErrorCode }
  | { readonly kind: "handshake"; readonly transport: TransportName }
  | { readonly kind: "session"; readonly session: S };

/** What `checkRequest` needs to know about the server. */
export interface RequestCheckContext<S extends { readonly transport: TransportName }> {
  readonly transports: readonly TransportName[];
  /** Session by id. */
  find(sid: string): S | undefined;
}

/**
 * Verify an Engine.IO request in the reference server's order (engine.io
 * `verify` + `handshake`, PROTOCOL.md §2.9): transport (code 0), session id
 * (1) and transport mismatch (3), or for a handshake the method (2) and the
 * protocol version (5). Origin and `allowRequest` are checked by the caller.
 *
 * `upgrade` is true for a WebSocket upgrade request; for a plain HTTP request
 * `transport=websocket` is a "Bad request" (code 3).
 */
export function checkRequest<S extends { readonly transport: TransportName }>(req: EngineRequest, upgrade: boolean, ctx: RequestCheckContext<S>): RequestRoute<S> {
  const transport = req.query.transport;
  if (transport !== "polling" && transport !== "websocket") return fail(EngineErrorCode.UNKNOWN_TRANSPORT);
  if (!ctx.transports.includes(transport)) return fail(EngineErrorCode.UNKNOWN_TRANSPORT);
  if ((transport === "websocket") !== upgrade) return fail(EngineErrorCode.BAD_REQUEST);
  const sid = req.query.sid;
  if (sid !== undefined) {
    const session = ctx.find(sid);
    if (session === undefined) return fail(EngineErrorCode.UNKNOWN_SID);
    // Polling after an upgrade, or a second WebSocket for a WebSocket session.
    if (session.transport === "websocket") return fail(EngineErrorCode.BAD_REQUEST);
    return { kind: "session", session };
  }
  if (req.method !== "get") return fail(EngineErrorCode.BAD_HANDSHAKE_METHOD);
  if (req.query.EIO !== "4") return fail(EngineErrorCode.UNSUPPORTED_PROTOCOL_VERSION);
  return { kind: "handshake", transport };
}

function fail(code: EngineErrorCode): RequestRoute<never> {
  return { kind: "error", code };
}
