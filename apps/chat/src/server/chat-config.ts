import { CometaError } from "@cometa/protocol";

/** Where and how the chat runs, from the environment. */
export interface ChatConfig {
  readonly port: number;
  /** Interface to bind (`HOST`); undefined: every interface. */
  readonly host: string | undefined;
  /** `REDIS_URL`: share rooms with other instances through Redis. */
  readonly redisUrl: string | undefined;
}

/** An environment variable with a value the chat cannot use. */
export class ChatConfigError extends CometaError<"INVALID_CONFIG"> {
  constructor(message: string) {
    super("INVALID_CONFIG", message);
  }
}

/** The default port, as the README promises. */
export const DEFAULT_PORT = 3000;

/**
 * How long a page that lost its connection can come back and get what it
 * missed through connection state recovery (Socket.IO's default). Past it the
 * page resyncs by joining its rooms again (history in the join ack).
 */
export const RECOVERY_WINDOW_MS = 120_000;

/**
 * Read `PORT` (default 3000), `HOST` and `REDIS_URL`.
 *
 * @throws ChatConfigError `INVALID_CONFIG` for a port that is not an integer in 0…65535 or a URL that is not redis(s)://.
 */
export function readChatConfig(env: Readonly<Record<string, string | undefined>>): ChatConfig {
  const rawPort = env.PORT?.trim() || String(DEFAULT_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) {
    throw new ChatConfigError(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`);
  }
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ChatConfigError(`REDIS_URL must start with redis:// or rediss://, got "${redisUrl}"`);
  }
  return { port, host: env.HOST?.trim() || undefined, redisUrl };
}
