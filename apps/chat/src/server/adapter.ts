import type { AdapterFactory, RecoveryStores } from "@cometa/server";
import { RECOVERY_WINDOW_MS } from "./chat-config.js";

/** A rooms adapter chosen from the environment, with what to close at shutdown. */
export interface ChatAdapter {
  readonly factory: AdapterFactory;
  /**
   * Connection state recovery shared through the same Redis (log, sessions,
   * retry window): a page may come back on any instance. Memory stores would
   * be refused next to a cluster adapter (each instance's offsets would belong
   * to its own log).
   */
  readonly recoveryStores: RecoveryStores;
  /** Where the rooms are shared (for the start-up line), without credentials. */
  readonly description: string;
  /** Release what the server's `close()` does not (our template client). */
  close(): Promise<void>;
}

/**
 * The rooms adapter for `REDIS_URL`, or none (in-memory rooms, one instance)
 * without it. Redis support is loaded only when asked for, so the default
 * start touches neither ioredis nor `@cometa/redis`.
 *
 * Several instances (each on its own `PORT`) with the same `REDIS_URL` share
 * rooms, presence, broadcasts and connection state recovery (messages are
 * logged in a Redis stream, so every instance delivers them in one order
 * with one offset); each keeps its own message history.
 *
 * @example
 * ```ts
 * const adapter = await createAdapter(process.env.REDIS_URL);
 * const io = createServer(adapter ? { adapter: adapter.factory, connectionStateRecovery: { stores: adapter.recoveryStores } } : {});
 * ```
 */
export async function createAdapter(
  redisUrl: string | undefined,
  log: (line: string) => void = console.log,
): Promise<ChatAdapter | undefined> {
  if (redisUrl === undefined) return undefined;
  const [{ Redis }, { redisAdapter, redisRecoveryStores }] = await Promise.all([import("ioredis"), import("@cometa/redis")]);
  // The adapter opens its own publishing and subscribing connections from this one (and closes them with the
  // server); the recovery stores send their commands on it (it connects on the first one) and subscribe to their
  // feed on a duplicate, which the server closes too.
  const template = new Redis(redisUrl, { lazyConnect: true });
  const factory = redisAdapter(template);
  const recoveryStores = redisRecoveryStores(template, { maxDisconnectionDuration: RECOVERY_WINDOW_MS });
  const description = redact(redisUrl);
  // Redis down at start or later: local clients keep chatting; say so, and say when it is back.
  factory.backplane.on("status", (status) => {
    if (status.reason === "closed") return; // our own shutdown
    log(status.healthy ? `Redis at ${description} is up` : `Redis at ${description} is unavailable (${status.reason})`);
  });
  return {
    factory,
    recoveryStores,
    description,
    close: async () => template.disconnect(),
  };
}

/** The URL without its password, for logs. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "redis";
  }
}
