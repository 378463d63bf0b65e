import type { Codec, DefaultEventsMap, EventsMap } from "@cometa/protocol";
import { type ConnectOptions, checkOptions, DEFAULTS } from "./connect-options.js";
import { ClientError } from "./errors.js";
import { type EngineFactory, Manager, type ManagerOptions } from "./manager.js";
import type { Socket } from "./socket.js";
import { parseUrl } from "./url.js";

/** The `connect` function of an entry point. */
export interface ConnectFunction<CodecName extends string> {
  <Listen extends EventsMap = DefaultEventsMap, Emit extends EventsMap = Listen>(
    url?: string,
    options?: ConnectOptions<CodecName>,
  ): Socket<Listen, Emit>;
  <Listen extends EventsMap = DefaultEventsMap, Emit extends EventsMap = Listen>(
    options: ConnectOptions<CodecName>,
  ): Socket<Listen, Emit>;
}

/** What distinguishes one entry point from another. */
export interface EntryConfig {
  /** The codecs this entry bundles, by name; the first one is its default. */
  readonly codecs: Readonly<Record<string, Codec>>;
  readonly createEngine: EngineFactory;
}

/**
 * Codecs by name, shared by the entry points in this bundle: an entry knows
 * the names of its own codecs and of every entry loaded beside it, so
 * `codec: "text"` works with `@cometa/client` once `@cometa/client/json` is
 * imported, without the default entry bundling the text codec itself.
 */
const codecsByName = new Map<string, Codec>();

/**
 * Build an entry point's `connect()`: URL parsing, option defaults and the
 * per-entry manager cache (one `Manager` per origin + path + codec, as
 * socket.io-client caches per origin + path). Entry points differ only in the
 * codecs they bundle, so `@cometa/client/json` never pulls in MessagePack.
 */
export function createConnect<CodecName extends string>(config: EntryConfig): ConnectFunction<CodecName> {
  const cache = new Map<string, Manager>();
  for (const [name, codec] of Object.entries(config.codecs)) codecsByName.set(name, codec);
  return ((uri?: string | ConnectOptions<CodecName>, maybeOptions?: ConnectOptions<CodecName>) => {
    const given = checkOptions((typeof uri === "object" ? uri : maybeOptions) ?? {});
    const { origin, nsp, query } = parseUrl(typeof uri === "string" ? uri : undefined);
    const choice = given.codec;
    const codec = typeof choice === "string" ? codecsByName.get(choice) : (choice ?? Object.values(config.codecs)[0]!);
    // Not bundled: pass a Codec object, or import the entry that has it (see `codecsByName`).
    if (!codec) throw new ClientError("INVALID_OPTIONS", `unknown codec "${choice}"`);
    // socket.io-client adds the leading and trailing slashes too.
    const path = (given.path ?? DEFAULTS.path).replace(/^\/?/, "/").replace(/\/?$/, "/");
    const options: ManagerOptions & ConnectOptions = {
      ...DEFAULTS,
      ...given,
      origin,
      path,
      query: given.query ?? query,
      codec,
      createEngine: config.createEngine,
    };
    const key = `${origin}${path}#${codec.name}`;
    let manager = cache.get(key);
    // A second socket for a namespace the cached manager already has gets its own connection, as in socket.io-client.
    const fresh = given.forceNew || given.multiplex === false || manager?.hasSocket(nsp);
    if (fresh || !manager) {
      manager = new Manager(options);
      if (!fresh) cache.set(key, manager);
    }
    return manager.socket(nsp, options);
  }) as ConnectFunction<CodecName>;
}
