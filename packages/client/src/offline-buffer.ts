/**
 * A bounded FIFO: what a socket keeps while it cannot send (emits while
 * disconnected) or cannot deliver yet (events received before the CONNECT
 * reply, during connection-state recovery).
 *
 * Overflow policy: **refuse the newest**. `push` returns false when the buffer
 * is full and the caller fails that one item (the emit's ack receives
 * `OFFLINE_BUFFER_FULL`). Items already accepted keep their place, so what
 * is eventually sent is always an in-order prefix of what was emitted, with no
 * hole in the middle.
 *
 * @example
 * ```ts
 * const buffer = new OfflineBuffer<Packet>(1000);
 * if (!buffer.push(packet)) failAck(packet.id);
 * for (const p of buffer.drain()) send(p); // after reconnection, in order
 * ```
 */
export class OfflineBuffer<T> {
  /** Most items held at once. */
  readonly limit: number;
  #items: T[] = [];

  constructor(limit: number) {
    this.limit = Math.max(0, Math.floor(limit));
  }

  /** Items held. */
  get size(): number {
    return this.#items.length;
  }

  /** Append an item; false (and nothing stored) when full. */
  push(item: T): boolean {
    if (this.#items.length >= this.limit) return false;
    this.#items.push(item);
    return true;
  }

  /** Whether some item matches. */
  some(predicate: (item: T) => boolean): boolean {
    return this.#items.some(predicate);
  }

  /** Remove the items that match (an ack timed out while its packet waited here). */
  removeWhere(predicate: (item: T) => boolean): void {
    this.#items = this.#items.filter((item) => !predicate(item));
  }

  /** Take every item, oldest first, leaving the buffer empty. */
  drain(): T[] {
    const items = this.#items;
    this.#items = [];
    return items;
  }
}
