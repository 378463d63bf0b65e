/**
 * Type-only helpers for typed events, shared by `@cometa/server` and
 * `@cometa/client` so an app can declare its event maps once and use them on
 * both sides. Nothing here exists at run time.
 *
 * @example
 * ```ts
 * interface ServerToClient { message(text: string, at: number): void }
 * interface ClientToServer { send(text: string, ack: (stored: boolean) => void): void }
 * ```
 */

/** A map from event name to listener signature. */
// biome-ignore lint/suspicious/noExplicitAny: listener signatures are arbitrary by design
export type EventsMap = { [event: string]: (...args: any[]) => void };

/** The map used when none is given: any event, any arguments. */
// biome-ignore lint/suspicious/noExplicitAny: untyped default, like Socket.IO's DefaultEventsMap
export type DefaultEventsMap = { [event: string]: (...args: any[]) => void };

/** Event names of a map, as strings. */
export type EventNames<Map extends EventsMap> = keyof Map & string;

/** The listener type of one event. */
export type EventListener<Map extends EventsMap, Ev extends EventNames<Map>> = Map[Ev];

/** The argument list of one event. */
export type EventParams<Map extends EventsMap, Ev extends EventNames<Map>> = Parameters<Map[Ev]>;

/** The last element of a tuple, or never. */
export type Last<T extends readonly unknown[]> = T extends readonly [...unknown[], infer L] ? L : never;

/** A tuple without its last element. */
export type AllButLast<T extends readonly unknown[]> = T extends readonly [...infer H, unknown] ? H : never;

/** The ack callback of an event's argument list, if its last argument is a function. */
// biome-ignore lint/suspicious/noExplicitAny: matching any callback shape
export type AckCallbackOf<Args extends readonly unknown[]> = Last<Args> extends (...args: any[]) => any ? Last<Args> : never;

/** The arguments an ack callback receives. */
// biome-ignore lint/suspicious/noExplicitAny: matching any callback shape
export type AckArgs<Args extends readonly unknown[]> = AckCallbackOf<Args> extends (...args: infer A) => any ? A : never;

/** Events whose last argument is an ack callback. */
export type EventNamesWithAck<Map extends EventsMap> = {
  [K in EventNames<Map>]: [AckCallbackOf<Parameters<Map[K]>>] extends [never] ? never : K;
}[EventNames<Map>];

/**
 * The first ack argument, which `emitWithAck` resolves with. Under `timeout()`,
 * Socket.IO prepends an `err` argument to the callback; this type is the
 * value *after* that error slot is removed.
 */
export type FirstAckArg<Map extends EventsMap, Ev extends EventNames<Map>> = AckArgs<Parameters<Map[Ev]>> extends [
  infer First,
  ...unknown[],
]
  ? First
  : void;
