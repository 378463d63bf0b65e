import { EngineErrorCode } from "@cometa/protocol";
import type { ResolvedEngineOptions } from "./engine-options.js";
import { type EngineResponse, errorResponse } from "./handshake.js";
import type { EngineRequest, HeaderPair, HttpExchange } from "./platform.js";
import { sessionOwner } from "./session-id.js";
import type { ForwardCall, ForwardedServe, ForwardFailure, SessionRouter } from "./session-router.js";

/**
 * The edge half of polling without sticky sessions (docs/decisions/0004):
 * decides whether a request for an unknown sid belongs to another node and,
 * if so, hands it to the `SessionRouter`. Everything a direct request gets
 * checked for at the door (origin, transport, body size) has been checked by
 * the engine before this runs, so the owner never sees what a direct request
 * would not have got past.
 */
export class PollForwarder {
  private unbind: (() => void) | null;

  constructor(
    private readonly router: SessionRouter,
    private readonly options: ResolvedEngineOptions,
    serve: ForwardedServe,
  ) {
    this.unbind = router.bind(serve);
  }

  /**
   * Take a request whose sid this node does not hold, when the sid names
   * another node. Returns false (the engine answers 400 code 1) for plain
   * sids, malformed owners and this node's own sids: a session of ours that
   * is not in the registry is closed, wherever the request came from.
   */
  tryForward(req: EngineRequest, exchange: HttpExchange, cors: readonly HeaderPair[]): boolean {
    const sid = req.query.sid;
    if (sid === undefined) return false;
    const owner = sessionOwner(sid);
    if (owner === undefined || owner === this.router.nodeId) return false;
    if (req.method !== "post") {
      this.router.forward(new EdgeCall(owner, req, null, exchange, this.timeoutFor(req), cors));
      return true;
    }
    // The body is read here, under this node's limit: an oversized POST gets its
    // 413 at the edge. The owner still hears of a POST that failed at the edge
    // (413, or the client gone mid-body) as `body: null`, so its session ends
    // with `transport error`, as after a direct one.
    const timeout = this.timeoutFor(req);
    exchange.onAbort = () => this.router.forward(new EdgeCall(owner, req, null, exchange, timeout, cors));
    exchange.readBody(this.options.maxPayload, (body) => {
      exchange.onAbort = null;
      this.router.forward(new EdgeCall(owner, req, body, exchange, timeout, cors));
    });
    return true;
  }

  /** The engine shuts down: the router stops serving forwarded requests. Idempotent. */
  close(): void {
    const unbind = this.unbind;
    this.unbind = null;
    unbind?.();
  }

  private timeoutFor(req: EngineRequest): number {
    const { pingInterval, pingTimeout } = this.options;
    // A parked GET ends at the next ping at the latest; the margin covers the
    // heartbeat wheel's resolution (≤ 1 s) and the trip to the owner and back.
    return req.method === "get" ? pingInterval + pingTimeout + 2000 : pingTimeout;
  }
}

/** One forwarded request as the router sees it; `fail` formats the engine's error answer. */
class EdgeCall implements ForwardCall {
  constructor(
    readonly owner: string,
    readonly request: EngineRequest,
    readonly body: string | null,
    readonly exchange: HttpExchange,
    readonly timeout: number,
    private readonly cors: readonly HeaderPair[],
  ) {}

  fail(reason: ForwardFailure): void {
    if (this.exchange.done) return;
    const response = failureResponse(reason, this.cors);
    this.exchange.end(response.status, response.headers, response.body);
  }
}

const RETRY_SOON: HeaderPair = ["Retry-After", "1"];

/** The HTTP answer for a failed forward (see `ForwardFailure`). */
export function failureResponse(reason: ForwardFailure, cors: readonly HeaderPair[]): EngineResponse {
  switch (reason) {
    case "unknown session":
      return errorResponse(EngineErrorCode.UNKNOWN_SID, cors);
    case "unavailable":
      return errorResponse(EngineErrorCode.BAD_REQUEST, [...cors, RETRY_SOON], "Session owner unavailable", 503);
    case "timeout":
      return errorResponse(EngineErrorCode.BAD_REQUEST, cors, "Session owner timed out", 504);
  }
}
