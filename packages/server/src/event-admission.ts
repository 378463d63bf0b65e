import { ServerError } from "./errors.js";
import { RateLimiter } from "./rate-limit.js";
import type { Socket } from "./socket.js";

/**
 * The Socket.IO-layer limits on one inbound event (RELIABILITY M13, S6),
 * checked before any middleware or listener sees it:
 *
 * - a string event name longer than `maxEventNameLength` closes the whole
 *   connection (`forced server close`, like other invalid packets) and is
 *   reported to `onError` as `EVENT_NAME_TOO_LONG`;
 * - past the socket's `rateLimit` budget the event is dropped (its ack is never
 *   answered), reported once per flood as `RATE_LIMITED`, and a socket that
 *   keeps flooding is disconnected with reason `rate limited`.
 *
 * Returns false when the event must not be dispatched. Costs a length check,
 * a clock read and some arithmetic: no allocation once the limiter exists.
 */
// biome-ignore lint/suspicious/noExplicitAny: any socket type parameters
export function admitEvent(socket: Socket<any, any, any, any>, data: unknown[]): boolean {
  const server = socket.nsp.server;
  const options = server.options;
  const name = data[0];
  if (typeof name === "string" && name.length > options.maxEventNameLength) {
    server.reportError(new ServerError("EVENT_NAME_TOO_LONG", `event name longer than ${options.maxEventNameLength} characters`));
    socket.client.close("forced server close");
    return false;
  }
  const limit = options.rateLimit;
  if (limit === undefined) return true;
  if (socket._limiter === undefined) socket._limiter = new RateLimiter(limit, server.clock);
  const decision = socket._limiter.take();
  if (decision === "allow") return true;
  if (decision === "first-drop") {
    // The socket id, never the payload: an error message may end up in logs.
    server.reportError(new ServerError("RATE_LIMITED", `socket ${socket.id} exceeded ${limit.points} events per ${limit.intervalMs} ms`));
  } else if (decision === "disconnect") {
    socket._rateLimited();
  }
  return false;
}
