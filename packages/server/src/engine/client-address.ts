import { BlockList, isIP } from "node:net";

/**
 * Which address a request comes from, for per-address limits: the TCP peer,
 * or, when the peer is one of the configured `trustedProxies`, the client it
 * names in `X-Forwarded-For`.
 *
 * `X-Forwarded-For` is a list every proxy appends the address it received the
 * request from to, so only its right end is trustworthy: the resolver walks it
 * from the right, skipping trusted proxies, and takes the first address that
 * is not one. A peer outside the list is the client, whatever the header says
 * (anyone can send the header, RELIABILITY S7). An entry that is not an IP
 * address ends the walk at the last trusted hop, and so do 16 trusted hops.
 *
 * @example
 * ```ts
 * const resolver = new ClientAddressResolver(["10.0.0.0/8"]);
 * resolver.resolve("10.0.0.5", "203.0.113.7, 10.0.0.9"); // "203.0.113.7"
 * resolver.resolve("198.51.100.1", "203.0.113.7");        // "198.51.100.1" (peer not trusted)
 * ```
 */
export class ClientAddressResolver {
  private readonly trusted: BlockList | null;

  /** @param trustedProxies addresses or CIDR ranges (`10.0.0.0/8`, `::1`, `fd00::/8`) of your proxies. */
  constructor(trustedProxies: readonly string[]) {
    this.trusted = trustedProxies.length === 0 ? null : buildList(trustedProxies);
  }

  /**
   * The client address for a request whose TCP peer is `peer` (as the
   * platform prints it) and whose `X-Forwarded-For` header is `forwardedFor`.
   * Always a normalised address (IPv4-mapped IPv6 as IPv4).
   */
  resolve(peer: string, forwardedFor: string | undefined): string {
    const address = normaliseAddress(peer);
    if (this.trusted === null || forwardedFor === undefined || !this.isTrusted(address)) return address;
    let client = address;
    let end = forwardedFor.length;
    // Right to left without splitting, and at most MAX_HOPS entries: real proxy chains are
    // short, and a huge header from a (compromised) proxy must not cost a pass per entry.
    for (let hops = 0; end > 0 && hops < MAX_HOPS; hops++) {
      const comma = forwardedFor.lastIndexOf(",", end - 1);
      const entry = normaliseAddress(forwardedFor.slice(comma + 1, end).trim());
      if (isIP(entry) === 0) return client;
      client = entry;
      if (!this.isTrusted(entry)) return entry;
      end = comma === -1 ? 0 : comma;
    }
    return client;
  }

  private isTrusted(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    return this.trusted!.check(address, family === 4 ? "ipv4" : "ipv6");
  }
}

/** True when `entry` is an IP address or a CIDR range (`10.0.0.0/8`, `fd00::/8`). */
export function isValidProxyEntry(entry: string): boolean {
  try {
    buildList([entry]);
    return true;
  } catch {
    return false;
  }
}

function buildList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const slash = raw.indexOf("/");
    const address = slash === -1 ? raw : raw.slice(0, slash);
    const prefix = slash === -1 ? undefined : raw.slice(slash + 1);
    const family = isIP(address);
    if (family === 0) throw new TypeError(`not an IP address or CIDR range: ${raw}`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new TypeError(`bad CIDR prefix: ${raw}`);
    list.addSubnet(address, bits, type);
  }
  return list;
}

/** Most `X-Forwarded-For` entries looked at, from the right. */
const MAX_HOPS = 16;

const MAPPED_DOTTED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/**
 * One spelling per address, so that a limit keyed by address cannot be
 * dodged by writing it differently: IPv6 in its canonical short form, and
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`, uWS's zero-padded
 * `0000:…:ffff:7f00:0001`) as plain IPv4. Anything that is not an IP address
 * is returned unchanged.
 */
export function normaliseAddress(address: string): string {
  if (isIP(address) !== 6) return address;
  let canonical: string;
  try {
    canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address;
  }
  const dotted = MAPPED_DOTTED.exec(canonical);
  if (dotted !== null) return dotted[1]!;
  const hex = MAPPED_HEX.exec(canonical);
  if (hex === null) return canonical;
  const high = Number.parseInt(hex[1]!, 16);
  const low = Number.parseInt(hex[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}
