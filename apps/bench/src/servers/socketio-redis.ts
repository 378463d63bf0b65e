/**
 * The Redis mode of the Socket.IO bench servers (issue 5's cross-instance scenario): with env
 * `REDIS_URL` set, `@socket.io/redis-adapter` on two ioredis connections (publish, subscribe), as its
 * README sets it up. Without `REDIS_URL` nothing is loaded and the in-memory adapter stays.
 */
import type { ServerOptions } from "socket.io";

/** Server options that add the Redis adapter when `REDIS_URL` is set; empty otherwise. */
export async function socketioAdapterFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Partial<ServerOptions>> {
  const url = env.REDIS_URL;
  if (!url) return {};
  // Loaded lazily so a single-instance server carries no Redis modules in its RSS figures.
  const [{ Redis }, { createAdapter }] = await Promise.all([import("ioredis"), import("@socket.io/redis-adapter")]);
  const pubClient = new Redis(url);
  const subClient = pubClient.duplicate();
  return { adapter: createAdapter(pubClient, subClient) };
}
