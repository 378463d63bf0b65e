import type { EngineRequest, HttpExchange } from "./platform.js";

/**
 * The extension point that lets long-polling work behind a load balancer
 * without sticky sessions (docs/decisions/0004). Every session id this engine
 * mints names its owner (`<nodeId>.<120 random bits>`), so any node can tell,
 * without a lookup, where a polling request for a sid it does not hold must go.
 *
 * The engine does the edge work (origin check, transport checks, reading the
 * POST body within `maxPayload`, 413) and then hands the request to
 * `forward`. The router carries it to the owner, whose engine runs it through
 * `serve` exactly like a request that arrived there directly, with an
 * `HttpExchange` that carries the response back.
 *
 * `@cometa/redis` implements it over Redis pub/sub (`createRedisSessionRouter`).
 *
 * @example
 * ```ts
 * const router = await createRedisSessionRouter({ pub, sub });
 * const io = createServer({ sessionRouter: router });
 * ```
 */
export interface SessionRouter {
  /**
   * This node's id: 1–32 characters of `A-Z a-z 0-9 _ -`, unique in the
   * cluster and new on every start (a restarted node owns none of the old sids).
   */
  readonly nodeId: string;
  /**
   * Called once by the engine when it starts. `serve` runs a request forwarded
   * to this node through the engine's normal HTTP path. Returns the function
   * the engine calls when it shuts down (the router then stops serving).
   */
  bind(serve: ForwardedServe): () => void;
  /**
   * A request names a session owned by another node. The router must settle
   * it exactly once: end `call.exchange` with the owner's response, or call
   * `call.fail` (the engine answers with a clear HTTP error). It must also
   * propagate `call.exchange.onAbort` to the owner, and give the owner an
   * exchange whose `readBody` yields `call.body` (null: refused, see `body`).
   */
  forward(call: ForwardCall): void;
}

/** How a router hands a forwarded request to the owner engine (see `SessionRouter.bind`). */
export type ForwardedServe = (request: EngineRequest, exchange: HttpExchange) => void;

/**
 * Why a forwarded request failed, as the engine answers it:
 * - `unknown session`: the owner node is gone (no node listens) → 400 `{"code":1,"message":"Session ID unknown"}`,
 *   like an unknown sid on a single node; the client opens a new session;
 * - `unavailable`: the transport to the owner failed (e.g. Redis down) → 503 with `Retry-After: 1`;
 * - `timeout`: the owner did not answer within `call.timeout` → 504.
 */
export type ForwardFailure = "unknown session" | "unavailable" | "timeout";

/** One polling request on its way to the node that owns its session. */
export interface ForwardCall {
  /** The owner's node id (parsed from the sid; never this node's). */
  readonly owner: string;
  /** The request as received at the edge (copied). */
  readonly request: EngineRequest;
  /**
   * The POST body, already read within `maxPayload`; null for other methods.
   * A POST that failed at the edge (413 sent, or the client gone mid-body)
   * comes with `body: null` and an exchange already done: deliver it anyway,
   * with an owner-side `readBody` that reports null, so the owner's session
   * ends with `transport error` exactly as after a direct failed POST.
   */
  readonly body: string | null;
  /** The client's exchange: end it with the owner's response; watch `onAbort`. */
  readonly exchange: HttpExchange;
  /**
   * How long the owner may take, ms: for a GET, the longest it can stay parked
   * (`pingInterval + pingTimeout`: a ping ends it sooner); for other methods, `pingTimeout`.
   */
  readonly timeout: number;
  /** Answer the client with the error for `reason` (a no-op once the exchange is done). */
  fail(reason: ForwardFailure): void;
}
