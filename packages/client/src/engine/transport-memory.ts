import type { Clock } from "../clock.js";
import { globals } from "./platform.js";

/** How long a failed WebSocket is remembered (10 minutes). */
export const TRANSPORT_MEMORY_TTL_MS = 600_000;

const PREFIX = "cometa:ws-failed:";

/** Fallback store when `localStorage` is missing or throws (Node, sandboxed iframes, private mode). */
const moduleStore = new Map<string, string>();

/**
 * Remembers, per origin + path, that a WebSocket could not be opened while
 * long-polling worked (a proxy that drops `Upgrade`, a firewall), so the next
 * connection starts on polling instead of waiting for a WebSocket that is
 * known to fail. Entries expire after {@link TRANSPORT_MEMORY_TTL_MS}.
 */
export interface TransportMemory {
  /** True when a WebSocket failed for `key` within the TTL. */
  webSocketFailed(key: string): boolean;
  /** Records (`failed: true`) or clears (`false`) a WebSocket failure for `key`. */
  remember(key: string, failed: boolean): void;
}

/**
 * A memory backed by `localStorage` when available, else by `fallback`: by
 * default a module-level map shared by all engines in the process.
 *
 * @example
 * ```ts
 * const memory = createTransportMemory(systemClock);
 * if (memory.webSocketFailed("https://example.com/socket.io/")) startOnPolling();
 * ```
 */
export function createTransportMemory(
  clock: Clock,
  ttlMs = TRANSPORT_MEMORY_TTL_MS,
  fallback: Map<string, string> = moduleStore,
): TransportMemory {
  return {
    webSocketFailed(key) {
      let stored: string | null | undefined;
      try {
        stored = globals.localStorage?.getItem(PREFIX + key);
      } catch {
        // Storage access can throw (SecurityError); the map answers instead.
      }
      const at = Number(stored ?? fallback.get(key));
      return at > 0 && clock.now() - at < ttlMs;
    },
    remember(key, failed) {
      const value = String(clock.now());
      if (failed) fallback.set(key, value);
      else fallback.delete(key);
      try {
        if (failed) globals.localStorage?.setItem(PREFIX + key, value);
        else globals.localStorage?.removeItem(PREFIX + key);
      } catch {
        // Quota or security errors: the map still holds it.
      }
    },
  };
}
