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

/**
 * A map from event name to listener signature. An interface with an `any`
 * index signature (as in Socket.IO): an app's own `interface` (which has no
 * index signature) is only assignable to this form.
 */
export interface EventsMap {
  // biome-ignore lint/suspicious/noExplicitAny: listener signatures are arbitrary by design
  [event: string]: any;
}

/** The map used when none is given: any event, any arguments. */
// biome-ignore lint/suspicious/noExplicitAny: untyped default, like Socket.IO's DefaultEventsMap
export type DefaultEventsMap = { [event: string]: (...args: any[]) => void };

/** Event names of a map, as strings. */
export type EventNames<Map extends EventsMap> = keyof Map & string;

/** The listener type of one event. */
export type EventListener<Map extends EventsMap, Ev extends EventNames<Map>> = Map[Ev];

/** The argument list of one event. */
export type EventParams<Map extends EventsMap, Ev extends EventNames<Map>> = Parameters<Map[Ev]>;

/** True for arrays of unknown length (`any[]`, `string[]`), false for tuples. */
type IsOpenArray<T extends readonly unknown[]> = number extends T["length"] ? true : false;

/**
 * The last element of a tuple, or never for an empty tuple. For an open array
 * (an untyped map's `any[]`) it is the element type, so untyped code stays
 * untyped instead of becoming uncallable.
 */
export type Last<T extends readonly unknown[]> =
  IsOpenArray<T> extends true ? T[number] : T extends readonly [...unknown[], infer L] ? L : never;

/** A tuple without its last element (an open array stays as it is). */
export type AllButLast<T extends readonly unknown[]> =
  IsOpenArray<T> extends true ? T : T extends readonly [...infer H, unknown] ? H : never;

/** The ack callback of an event's argument list, if its last argument is a function. */
// biome-ignore lint/suspicious/noExplicitAny: matching any callback shape
export type AckCallbackOf<Args extends readonly unknown[]> = Last<Args> extends (...args: any[]) => any ? Last<Args> : never;

/** The arguments an ack callback receives. */
// biome-ignore lint/suspicious/noExplicitAny: matching any callback shape
export type AckArgs<Args extends readonly unknown[]> = AckCallbackOf<Args> extends (...args: infer A) => any ? A : never;

/** Events whose last argument is an ack callback. */
export type EventNamesWithAck<Map extends EventsMap> = {
  // An untyped event (open argument array) may carry an ack.
  [K in EventNames<Map>]: IsOpenArray<Parameters<Map[K]>> extends true
    ? K
    : [AckCallbackOf<Parameters<Map[K]>>] extends [never]
      ? never
      : K;
}[EventNames<Map>];

/**
 * The first ack argument, which `emitWithAck` resolves with. Under `timeout()`,
 * Socket.IO prepends an `err` argument to the callback; this type is the
 * value *after* that error slot is removed.
 */
export type FirstAckArg<Map extends EventsMap, Ev extends EventNames<Map>> =
  // biome-ignore lint/suspicious/noExplicitAny: an untyped map resolves with any, as in Socket.IO
  IsOpenArray<AckArgs<Parameters<Map[Ev]>>> extends true
    ? any
    : AckArgs<Parameters<Map[Ev]>> extends [infer First, ...unknown[]]
      ? First
      : void;

/**
 * The first argument of an ack callback that is not the `err` slot added by
 * `timeout()`: what `emitWithAck` resolves with, whether the map was
 * decorated with {@link DecorateAcknowledgements} or not.
 */
export type FirstNonErrorArg<F> = F extends (...args: infer P) => unknown
  ? P extends [infer First, ...infer Rest]
    ? [First] extends [Error]
      ? Rest extends [infer Second, ...unknown[]]
        ? Second
        : void
      : First
    : void
  : void;

/** Every callback in an argument list gets an `err` first argument (Socket.IO `timeout()` semantics). */
export type PrependTimeoutError<T extends readonly unknown[]> = {
  // biome-ignore lint/suspicious/noExplicitAny: matching any callback shape
  [K in keyof T]: T[K] extends (...args: infer P) => infer R ? (err: Error, ...args: P) => R : T[K];
};

/** Every callback in an argument list receives `(err, responses[])`: one response per recipient of a broadcast. */
export type ExpectMultipleResponses<T extends readonly unknown[]> = {
  [K in keyof T]: T[K] extends (...args: infer P) => infer R
    ? (err: Error, responses: P extends [infer First, ...unknown[]] ? First[] : unknown[]) => R
    : T[K];
};

/**
 * An events map whose ack callbacks take an `err` first: the map seen through
 * `socket.timeout(ms)`.
 *
 * @example
 * ```ts
 * interface E { hello(name: string, ack: (reply: string) => void): void }
 * type T = DecorateAcknowledgements<E>; // hello(name: string, ack: (err: Error, reply: string) => void)
 * ```
 */
export type DecorateAcknowledgements<E extends EventsMap> = {
  [K in keyof E]: E[K] extends (...args: infer P) => infer R ? (...args: PrependTimeoutError<P>) => R : E[K];
};

/**
 * An events map as seen by a broadcast: every ack callback receives
 * `(err, responses[])`, one response (the first ack argument) per recipient.
 */
export type DecorateAcknowledgementsWithMultipleResponses<E extends EventsMap> = {
  [K in keyof E]: E[K] extends (...args: infer P) => infer R ? (...args: ExpectMultipleResponses<P>) => R : E[K];
};

/** A listener type that falls back to "any arguments" when the event is not in the map. */
export type FallbackToUntypedListener<T> = [T] extends [never]
  ? // biome-ignore lint/suspicious/noExplicitAny: untyped fallback, like Socket.IO
    (...args: any[]) => void | Promise<void>
  : T;

/** Event names accepted by `on()`: the framework's reserved events plus the user's. */
export type ReservedOrUserEventNames<Reserved extends EventsMap, User extends EventsMap> =
  | EventNames<Reserved>
  | EventNames<User>;

/** The listener type for one name accepted by `on()`. Reserved events take precedence. */
export type ReservedOrUserListener<
  Reserved extends EventsMap,
  User extends EventsMap,
  Ev extends ReservedOrUserEventNames<Reserved, User>,
> = FallbackToUntypedListener<
  Ev extends EventNames<Reserved> ? Reserved[Ev] : Ev extends EventNames<User> ? User[Ev] : never
>;
