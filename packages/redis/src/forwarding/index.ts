/**
 * Long-polling without sticky sessions (decision 0004): a polling request
 * that lands on a node which does not own its session is forwarded to the
 * owner over Redis pub/sub and answered from there.
 *
 * @example
 * ```ts
 * const router = await createRedisSessionRouter({ pub: new Redis(url), sub: new Redis(url) });
 * const io = createServer({ sessionRouter: router });
 * ```
 */
export {
  createRedisSessionRouter,
  type ForwardingPublisher,
  type ForwardingStats,
  type ForwardingSubscriber,
  type ForwardSample,
  RedisSessionRouter,
  type RedisSessionRouterOptions,
  SessionRouterError,
} from "./redis-session-router.js";
export type { ForwardCall, ForwardedServe, ForwardFailure, SessionRouter } from "./engine-types.js";
