import type { Clock, EngineOptions } from "@cometa/server";

/**
 * The server's session-router contract (`packages/server/src/engine/session-router.ts`),
 * reached through the public `EngineOptions` type so this package depends on
 * nothing but `@cometa/server`'s entry point.
 */
export type SessionRouter = NonNullable<EngineOptions["sessionRouter"]>;
/** One polling request on its way to the owner of its session. */
export type ForwardCall = Parameters<SessionRouter["forward"]>[0];
/** How the router hands a forwarded request to this node's engine. */
export type ForwardedServe = Parameters<SessionRouter["bind"]>[0];
/** Why a forward failed (`unknown session` → 400 code 1, `unavailable` → 503, `timeout` → 504). */
export type ForwardFailure = Parameters<ForwardCall["fail"]>[0];
/** A copied HTTP request as the engine sees it. */
export type EngineRequest = ForwardCall["request"];
/** One HTTP request/response exchange as the engine drives it. */
export type HttpExchange = ForwardCall["exchange"];
/** One response header. */
export type HeaderPair = Parameters<HttpExchange["end"]>[1][number];

export type { Clock };
