import type { Codec, DefaultEventsMap, EventsMap } from "@cometa/protocol";
import { type ConnectOptions, resolveManagerOptions, resolveSocketOptions } from "./connect-options.js";
import { ClientError } from "./errors.js";
import { type EngineFactory, Manager } from "./manager.js";
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
export interface EntryConfig<CodecName extends string> {
  /** Codecs selectable by name. */
  readonly codecs: Readonly<Record<CodecName, Codec>>;
  /** The codec used when none is given. */
  readonly defaultCodec: CodecName;
  readonly createEngine: EngineFactory;
}

/**
 * Build an entry point's `connect()`: URL parsing, option defaults and the
 * per-entry manager cache (one `Manager` per origin + path + codec, as
 * socket.io-client caches per origin + path). Entry points differ only in the
 * codecs they bundle, so `@cometa/client/json` never pulls in MessagePack.
 */
export function createConnect<CodecName extends string>(config: EntryConfig<CodecName>): ConnectFunction<CodecName> {
  const cache = new Map<string, Manager>();

  function connect(
    urlOrOptions?: string | ConnectOptions<CodecName>,
    maybeOptions?: ConnectOptions<CodecName>,
  ): Socket<EventsMap, EventsMap> {
    const url = typeof urlOrOptions === "string" ? urlOrOptions : undefined;
    const options = (typeof urlOrOptions === "object" ? urlOrOptions : maybeOptions) ?? {};
    const parsed = parseUrl(url);
    const codec = pickCodec(config, options.codec);
    const managerOptions = resolveManagerOptions(options, parsed.origin, parsed.query, codec, config.createEngine);
    const key = `${parsed.origin}${managerOptions.engine.path}#${codec.name}`;
    const cached = cache.get(key);
    // A second socket for a namespace the cached manager already has gets its own connection, as in socket.io-client.
    const fresh = options.forceNew === true || options.multiplex === false || cached?.hasSocket(parsed.nsp) === true;
    let manager: Manager;
    if (fresh) manager = new Manager(managerOptions);
    else if (cached !== undefined) manager = cached;
    else {
      manager = new Manager(managerOptions);
      cache.set(key, manager);
    }
    return manager.socket(parsed.nsp, resolveSocketOptions(options));
  }

  return connect as ConnectFunction<CodecName>;
}

function pickCodec<CodecName extends string>(config: EntryConfig<CodecName>, choice: CodecName | Codec | undefined): Codec {
  if (choice === undefined) return config.codecs[config.defaultCodec];
  if (typeof choice === "object") return choice;
  const codec = (config.codecs as Record<string, Codec | undefined>)[choice];
  if (codec === undefined) {
    const known = Object.keys(config.codecs).join(", ");
    throw new ClientError("INVALID_OPTIONS", `unknown codec "${String(choice)}" (this entry has: ${known})`);
  }
  return codec;
}
