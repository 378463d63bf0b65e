import { performance } from "node:perf_hooks";
import { createEmitter } from "@cometa/redis";
import { Redis } from "ioredis";

/** Sends number `n` of the stream, stamped with the wall clock. */
export type SeqSink = (n: number, stamp: number) => void;

/**
 * The seq-stamped stream of the faults: `seq(n, wallClockMs)` to a room every
 * `periodMs` (10 ms ≈ 100 msg/s), remembering when each number left. For
 * cluster faults the sink is a `@cometa/redis` emitter in the test process
 * ({@link SeqPublisher.overRedis}: no server of its own, so killing a node
 * never stops the stream); otherwise any sink (e.g. a node's `emit` command).
 *
 * @example
 * ```ts
 * const publisher = SeqPublisher.overRedis(redisUrl, "stream");
 * publisher.start();
 * publisher.stop();
 * await publisher.close();
 * ```
 */
export class SeqPublisher {
  /** `performance.now()` of number `n` at index `n - 1`. */
  readonly sentAt: number[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly sink: SeqSink,
    private readonly periodMs = 10,
    private readonly release: () => Promise<void> = async () => {},
  ) {}

  /** A publisher through a `@cometa/redis` emitter on its own connection (a URL, or an ioredis client to own). */
  static overRedis(redisUrl: string | Redis, room: string, periodMs = 10): SeqPublisher {
    const redis = typeof redisUrl === "string" ? new Redis(redisUrl) : redisUrl;
    // Connection errors during a fault are expected; ioredis would print each one as "Unhandled error event".
    redis.on("error", () => {});
    const emitter = createEmitter(redis);
    return new SeqPublisher((n, stamp) => emitter.to(room).emit("seq", n, stamp), periodMs, async () => {
      await emitter.flush();
      redis.disconnect();
    });
  }

  /** Numbers published so far (1..sent). */
  get sent(): number {
    return this.sentAt.length;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.publishNext(), this.periodMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  publishNext(): void {
    const n = this.sentAt.length + 1;
    this.sentAt.push(performance.now());
    this.sink(n, Date.now());
  }

  async close(): Promise<void> {
    this.stop();
    await this.release();
  }
}
