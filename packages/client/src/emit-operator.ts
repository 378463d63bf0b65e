import type { EventNames, EventParams, EventsMap } from "@cometa/protocol";
import type { AckEmitArgs, AckEventNames, AckResult, DecorateAcknowledgements } from "./socket-types.js";

/** Modifiers of one emit. */
export interface EmitFlags {
  /** Drop the packet instead of buffering it when it cannot be sent now. */
  readonly volatile?: boolean;
  /** Ask for per-message compression (a hint; transports may ignore it). */
  readonly compress?: boolean;
  /** Ack timeout for this emit, ms (overrides `ackTimeout`). */
  readonly timeout?: number;
}

/** @internal The socket's emit, given flags and whether the ack is error-first. */
export type FlaggedEmit = (event: string, args: unknown[], flags: EmitFlags, errorFirst: boolean) => void;

/**
 * What `socket.timeout(ms)`, `socket.volatile` and `socket.compress(b)`
 * return: an immutable emitter with those flags, so a partial chain can be
 * kept and reused (`const quick = socket.timeout(500)`) and never leaks its
 * flags into the socket's next plain `emit`.
 *
 * `AckEvents` is the event map `emit` checks callbacks against: after
 * `timeout()`, ack callbacks take an `Error` first.
 *
 * @example
 * ```ts
 * socket.timeout(5000).emit("save", doc, (err, saved) => { if (err) showRetry(); });
 * const ok = await socket.timeout(5000).emitWithAck("save", doc);
 * socket.volatile.emit("cursor", x, y); // dropped while disconnected
 * ```
 */
export interface EmitOperator<Emit extends EventsMap, AckEvents extends EventsMap = Emit> {
  /** Send an event with these flags. */
  emit<Ev extends EventNames<AckEvents>>(event: Ev, ...args: EventParams<AckEvents, Ev>): this;
  /** Send an event and wait for its ack; rejects with `ACK_TIMEOUT`, `DISCONNECTED`, … */
  emitWithAck<Ev extends AckEventNames<Emit>>(event: Ev, ...args: AckEmitArgs<Emit, Ev>): Promise<AckResult<Emit, Ev>>;
  /** The same flags plus an ack timeout. */
  timeout(ms: number): EmitOperator<Emit, DecorateAcknowledgements<Emit>>;
  /** The same flags, volatile. */
  readonly volatile: EmitOperator<Emit, AckEvents>;
  /** The same flags with the compression hint set. */
  compress(compress: boolean): EmitOperator<Emit, AckEvents>;
}

/** @internal An {@link EmitOperator} that sends through `emit` with `flags`. */
export function createEmitOperator<Emit extends EventsMap>(emit: FlaggedEmit, flags: EmitFlags = {}): EmitOperator<Emit> {
  // biome-ignore lint/suspicious/noExplicitAny: the caller names the resulting ack map
  const withFlags = (more: EmitFlags): EmitOperator<Emit, any> => createEmitOperator(emit, { ...flags, ...more });
  const operator = {
    emit(event: string, ...args: unknown[]) {
      emit(event, args, flags, false);
      return operator;
    },
    emitWithAck: (event: string, ...args: unknown[]) =>
      new Promise((resolve, reject) => {
        emit(event, [...args, (err: Error | null, value: unknown) => (err ? reject(err) : resolve(value))], flags, true);
      }),
    timeout: (ms: number) => withFlags({ timeout: ms }),
    get volatile() {
      return withFlags({ volatile: true });
    },
    compress: (compress: boolean) => withFlags({ compress }),
  };
  return operator as unknown as EmitOperator<Emit>;
}
