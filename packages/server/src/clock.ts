/**
 * Time as the Socket.IO layer sees it: ack timeouts, the connect timeout,
 * broadcast-ack timeouts and cluster heartbeats all go through a `Clock`, so
 * tests drive them with fake time. It is the engine's clock (one shape for the
 * whole server, and the client's is the same), so one fake clock can drive a
 * whole test.
 */
export { type Clock, systemClock, type TimerHandle } from "./engine/clock.js";
