import { createHash } from "node:crypto";
import type { RedisClient } from "../redis-clients.js";

/**
 * A Lua script run by hash (EVALSHA), loaded on first use or after a Redis
 * restart (NOSCRIPT → EVAL, which also caches it). Scripts are how the
 * recovery stores make read-then-write steps atomic across instances.
 */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash("sha1").update(source).digest("hex");
  }

  /** Run with string results (ioredis decodes bulk strings as UTF-8). */
  async run(client: RedisClient, keys: readonly string[], args: readonly (string | Buffer | number)[]): Promise<unknown> {
    return await this.#call(client, false, keys, args);
  }

  /** Run with binary results (bulk strings as Buffers). */
  async runBuffer(client: RedisClient, keys: readonly string[], args: readonly (string | Buffer | number)[]): Promise<unknown> {
    return await this.#call(client, true, keys, args);
  }

  async #call(client: RedisClient, binary: boolean, keys: readonly string[], args: readonly (string | Buffer | number)[]): Promise<unknown> {
    const call = (command: string, head: string) =>
      binary ? client.callBuffer(command, head, keys.length, ...keys, ...args) : client.call(command, head, keys.length, ...keys, ...args);
    try {
      return await call("EVALSHA", this.#sha);
    } catch (error) {
      if (!String((error as Error).message).startsWith("NOSCRIPT")) throw error;
      return await call("EVAL", this.#source);
    }
  }
}
