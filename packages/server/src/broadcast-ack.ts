import type { Clock, TimerHandle } from "./clock.js";
import { AckTimeoutError } from "./errors.js";
import { isThenable } from "./rejection.js";

/**
 * Collects the replies of one broadcast with ack, cluster-wide: every node
 * reports how many clients it reached, every client replies once, and the
 * callback runs when all replies are in, or with an `AckTimeoutError` (holding
 * the replies so far) when the timeout expires first.
 *
 * Completion needs the number of nodes (`serverCount`), the per-node client
 * counts, and as many replies as clients. A client that disconnects before
 * answering is reported as a count of −1, so a broadcast without a timeout
 * still completes.
 */
export class BroadcastAckCollector {
  private readonly responses: unknown[] = [];
  private expectedServers = -1;
  private reportedServers = 0;
  private expectedClients = 0;
  private done = false;
  private readonly timer: TimerHandle | undefined;

  constructor(
    private readonly callback: (err: Error | null, responses: unknown[]) => void,
    timeout: number | undefined,
    private readonly clock: Clock,
    private readonly reportError: (error: unknown) => void,
  ) {
    if (timeout !== undefined) {
      this.timer = clock.setTimeout(() => this.finish(new AckTimeoutError(this.responses.slice())), timeout);
    }
  }

  /** A node reached `count` clients (or −1: a counted client went away unanswered). */
  readonly onClientCount = (count: number): void => {
    if (count === -1) {
      this.expectedClients--;
    } else {
      this.expectedClients += count;
      this.reportedServers++;
    }
    this.check();
  };

  /** One client's first ack argument. */
  readonly onAck = (response: unknown): void => {
    if (this.done) return;
    this.responses.push(response);
    this.check();
  };

  /** How many nodes will report a client count. */
  readonly onServerCount = (count: number): void => {
    this.expectedServers = count;
    this.check();
  };

  private check(): void {
    if (this.done || this.expectedServers !== this.reportedServers) return;
    if (this.responses.length >= this.expectedClients) this.finish(null);
  }

  private finish(err: Error | null): void {
    if (this.done) return;
    this.done = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    try {
      const result: unknown = this.callback(err, err === null ? this.responses : (err as AckTimeoutError).responses ?? []);
      if (isThenable(result)) result.then(undefined, this.reportError); // an async callback that rejects
    } catch (error) {
      this.reportError(error); // may run from a timer or a promise: no caller to throw to
    }
  }
}
