import type { Clock, TimerHandle } from "../clock.js";
import { globals } from "./platform.js";

/**
 * The client side of the Engine.IO v4 heartbeat (PROTOCOL.md §2.6): the server
 * pings, and if no ping arrives within `pingInterval + pingTimeout` the
 * connection is dead. Background tabs and sleeping laptops throttle or freeze
 * timers, so the deadline is also kept as a wall-clock time that callers check
 * before each send and when the page wakes up.
 */
export interface Heartbeat {
  /** (Re)arms the watchdog for `ms` from now: on open and on every ping. */
  arm(ms: number): void;
  /** True when the wall-clock deadline has passed, even if the timer has not fired. */
  expired(): boolean;
  /** Stops the timer and the wake listeners. */
  stop(): void;
}

/**
 * Creates a watchdog that calls `onExpire` once when the deadline passes: from
 * its timer, or from a wake event (`visibilitychange` to visible, `online`)
 * whose wall-clock check finds the deadline gone.
 *
 * @example
 * ```ts
 * const heartbeat = createHeartbeat(systemClock, () => engineClose("ping timeout"));
 * heartbeat.arm(handshake.pingInterval + handshake.pingTimeout);
 * ```
 */
export function createHeartbeat(clock: Clock, onExpire: () => void): Heartbeat {
  let timer: TimerHandle | undefined;
  /** Wall-clock deadline while armed (and listening for wake events), else 0. */
  let deadline = 0;
  const { document } = globals;
  const listen = (method: "addEventListener" | "removeEventListener"): void => {
    document?.[method]("visibilitychange", onWake);
    globals[method]?.("online", onWake);
  };
  const onWake = (): void => {
    if (document?.visibilityState !== "hidden" && heartbeat.expired()) fire();
  };
  const fire = (): void => {
    heartbeat.stop();
    onExpire();
  };
  const heartbeat: Heartbeat = {
    arm(ms) {
      if (!deadline) listen("addEventListener");
      clock.clearTimeout(timer);
      deadline = clock.now() + ms;
      timer = clock.setTimeout(fire, ms);
    },
    expired: () => deadline > 0 && clock.now() > deadline,
    stop() {
      if (deadline) listen("removeEventListener");
      clock.clearTimeout(timer);
      deadline = 0;
    },
  };
  return heartbeat;
}
