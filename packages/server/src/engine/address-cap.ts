/**
 * The per-address cap on concurrent sessions (`maxConnectionsPerIp`,
 * RELIABILITY S4/S7): one counter per client address, shared by every
 * session from it. A session holds its address's `AddressSlot` (one pointer
 * per session, no string of its own) and releases it exactly once when it
 * stops counting. A slot whose count drops to zero is deleted, so the map
 * only holds addresses with live sessions.
 */

/** The live-session counter of one client address. */
export interface AddressSlot {
  readonly address: string;
  count: number;
}

/**
 * Counts sessions per client address against a limit.
 *
 * @example
 * ```ts
 * const cap = new AddressCap(2);
 * const a = cap.acquire("203.0.113.7"); // slot
 * const b = cap.acquire("203.0.113.7"); // slot
 * cap.acquire("203.0.113.7");           // null: over the cap
 * cap.release(a!);                       // room for one more
 * ```
 */
export class AddressCap {
  private readonly slots = new Map<string, AddressSlot>();

  /** @param limit most concurrent sessions per address; `Infinity` disables the cap. */
  constructor(readonly limit: number) {}

  /** Whether `address` may open one more session now (nothing is reserved). */
  canAcquire(address: string): boolean {
    return (this.slots.get(address)?.count ?? 0) < this.limit;
  }

  /** Count one more session for `address`; null, counting nothing, when it is at the cap. */
  acquire(address: string): AddressSlot | null {
    let slot = this.slots.get(address);
    if (slot === undefined) {
      if (this.limit < 1) return null;
      slot = { address, count: 0 };
      this.slots.set(address, slot);
    }
    if (slot.count >= this.limit) return null;
    slot.count++;
    return slot;
  }

  /** One session of `slot` ended. Callers release each acquired slot once. */
  release(slot: AddressSlot): void {
    slot.count--;
    if (slot.count <= 0 && this.slots.get(slot.address) === slot) this.slots.delete(slot.address);
  }

  /** Live sessions of `address` (tests, metrics). */
  count(address: string): number {
    return this.slots.get(address)?.count ?? 0;
  }

  /** Number of addresses with live sessions. */
  get size(): number {
    return this.slots.size;
  }
}
