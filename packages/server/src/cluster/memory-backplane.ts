import type { Backplane } from "./backplane.js";
import type { ClusterMessage } from "./cluster-message.js";

interface Subscriber {
  readonly nsp: string;
  readonly uid: string;
  readonly handler: (message: ClusterMessage) => void;
}

/**
 * A backplane for several servers in one process (tests, demos). Delivery is
 * asynchronous (a microtask) and each subscriber gets a structured clone, so
 * it behaves like a network: no shared objects, no re-entrant calls.
 *
 * @example
 * ```ts
 * const bus = createMemoryBackplane();
 * const a = createServer({ adapter: createClusterAdapter(bus) });
 * const b = createServer({ adapter: createClusterAdapter(bus) });
 * ```
 */
export function createMemoryBackplane(): Backplane {
  const subscribers = new Set<Subscriber>();
  return {
    publish(message, target) {
      for (const sub of subscribers) {
        if (sub.nsp !== message.nsp || (target !== undefined && sub.uid !== target)) continue;
        const copy = structuredClone(message);
        queueMicrotask(() => {
          if (subscribers.has(sub)) sub.handler(copy);
        });
      }
    },
    subscribe(nsp, uid, handler) {
      const sub = { nsp, uid, handler };
      subscribers.add(sub);
      return () => {
        subscribers.delete(sub);
      };
    },
  };
}
