/**
 * Keeps emits in call order when some of them must wait (a `Blob` argument is
 * read asynchronously). While nothing waits, tasks run synchronously, so the
 * common path costs one length check.
 *
 * @example
 * ```ts
 * gate.run(() => send(a));                      // runs now
 * gate.run(() => send(b), blob.arrayBuffer());  // waits for the read
 * gate.run(() => send(c));                      // runs after b, even though c is ready
 * ```
 */
export class OrderedGate {
  readonly #queue: { ready: boolean; failed: unknown; readonly task: () => void }[] = [];
  readonly #onError: (err: unknown) => void;

  /** `onError` gets the rejection of a `wait` promise; its task is skipped. */
  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  /** Tasks waiting. */
  get size(): number {
    return this.#queue.length;
  }

  /** Run `task` now, or after every earlier task and after `wait` settles. */
  run(task: () => void, wait?: Promise<unknown>): void {
    if (wait === undefined && this.#queue.length === 0) {
      task();
      return;
    }
    const item = { ready: wait === undefined, failed: undefined as unknown, task };
    this.#queue.push(item);
    wait?.then(
      () => {
        item.ready = true;
        this.#flush();
      },
      (err: unknown) => {
        item.ready = true;
        item.failed = err ?? new Error("blob read failed");
        this.#flush();
      },
    );
  }

  #flush(): void {
    while (this.#queue[0]?.ready) {
      const item = this.#queue.shift()!;
      if (item.failed !== undefined) this.#onError(item.failed);
      else item.task();
    }
  }
}
