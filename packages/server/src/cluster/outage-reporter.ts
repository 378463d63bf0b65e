import type { BackplaneStatus } from "./backplane.js";
import { ClusterError } from "./cluster-error.js";

/**
 * Turns backplane failures into one report per outage: the first failed
 * publish (or unhealthy status) after a healthy period is reported, the rest
 * of the outage is not, so a Redis restart under load logs one line, not one
 * per message. While the backplane says it is still connecting (first start),
 * failures are expected and not reported.
 */
export class OutageReporter {
  /** An outage was reported and the backplane has not recovered since. */
  private reported = false;
  /** The backplane has not connected yet. */
  private connecting = false;

  constructor(private readonly report: (error: ClusterError) => void) {}

  /** Whether the backplane is known not to have connected yet. */
  get isConnecting(): boolean {
    return this.connecting;
  }

  /** A publish failed (or the backplane reported trouble). */
  failed(error: unknown): void {
    if (this.reported || this.connecting) return;
    this.reported = true;
    this.report(
      new ClusterError("BACKPLANE_UNAVAILABLE", "cluster backplane failed: cross-node traffic is lost until it recovers", {
        cause: error,
      }),
    );
  }

  /**
   * A health report from the backplane. Returns true when it just became
   * healthy after being down or connecting (the node should announce itself).
   */
  status(status: BackplaneStatus): boolean {
    if (status.healthy) {
      const wasDown = this.connecting || this.reported;
      this.connecting = false;
      this.reported = false;
      return wasDown;
    }
    if (status.reason === "connecting") {
      this.connecting = true;
      return false;
    }
    this.connecting = false;
    this.failed(status.error ?? new ClusterError("BACKPLANE_UNAVAILABLE", status.reason));
    return false;
  }

  /** Without health reports, re-arm reporting now and then, so a later outage is reported again. */
  rearm(): void {
    this.reported = false;
  }
}
