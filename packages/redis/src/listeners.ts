/**
 * A tiny typed listener table. Not Node's `EventEmitter`: an `"error"` event
 * with no listener must never throw here, because these events report
 * failures that the process has to survive.
 */
// biome-ignore lint/suspicious/noExplicitAny: listener signatures are given by the event map
export class Listeners<Events extends Record<string, (...args: any[]) => void>> {
  private readonly table = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Register `listener`; returns the function that removes it. */
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void {
    let set = this.table.get(event);
    if (set === undefined) {
      set = new Set();
      this.table.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Whether anyone listens to `event` (skip building a payload otherwise). */
  has(event: keyof Events): boolean {
    return (this.table.get(event)?.size ?? 0) > 0;
  }

  /** Call every listener of `event`; a throwing listener is isolated (reported to `onListenerError`). */
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.table.get(event);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          // Surface the bug without breaking the backplane's own bookkeeping.
          console.error("[cometa/redis] listener threw:", error);
        });
      }
    }
  }
}
