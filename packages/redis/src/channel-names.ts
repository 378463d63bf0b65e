/**
 * Redis channel names of one Cometa cluster, built by an injective encoding:
 * every client-chosen part (namespace, room, node id) is percent-escaped, so
 * two different rooms can never share a channel and no name can reach into
 * another namespace or kind of channel. Only SUBSCRIBE/SSUBSCRIBE are used
 * (never PSUBSCRIBE), and glob characters are escaped as well, so a room
 * called `room*` or `[a-z]` stays a literal even for a human running
 * `PSUBSCRIBE` while debugging. Braces are escaped too: a room name cannot
 * pick a Redis Cluster hash slot through a `{hash tag}`.
 *
 * Layout (prefix `cometa` by default):
 * - `cometa#<nsp>#` — every node of a namespace (heartbeats, requests, broadcasts to all);
 * - `cometa#<nsp>#n#<uid>` — responses to one node;
 * - `cometa#<nsp>#r#<room>` — broadcasts to one room.
 */

// `%` first-class so the escape itself is escaped; `#` is the separator; the
// rest are glob, hash-tag, whitespace and control characters.
const ESCAPED = /[%#*?[\]\\{}\s\x00-\x1f\x7f]/g;

/** Percent-escape the characters that could make a channel name ambiguous or a pattern. */
export function escapeChannelPart(part: string): string {
  return part.replace(ESCAPED, (c) => {
    const code = c.charCodeAt(0);
    // Whitespace beyond ASCII (e.g. U+2028) is escaped with its full code point.
    return code < 0x100 ? `%${code.toString(16).toUpperCase().padStart(2, "0")}` : `%u${code.toString(16).toUpperCase().padStart(4, "0")}`;
  });
}

/** What a channel carries (the reverse lookup of a subscribed channel). */
export type ChannelRoute =
  | { readonly kind: "namespace"; readonly nsp: string }
  | { readonly kind: "node"; readonly nsp: string; readonly uid: string }
  | { readonly kind: "room"; readonly nsp: string; readonly room: string };

/** The channel names of one cluster (one prefix). */
export class ChannelNames {
  private readonly base: string;

  /** @param prefix distinguishes clusters sharing one Redis (default `cometa`). */
  constructor(readonly prefix = "cometa") {
    this.base = `${escapeChannelPart(prefix)}#`;
  }

  /** Channel of every node of `nsp`. */
  namespace(nsp: string): string {
    return `${this.base}${escapeChannelPart(nsp)}#`;
  }

  /** Channel of one node of `nsp` (responses). */
  node(nsp: string, uid: string): string {
    return `${this.base}${escapeChannelPart(nsp)}#n#${escapeChannelPart(uid)}`;
  }

  /** Channel of one room of `nsp`. */
  room(nsp: string, room: string): string {
    return `${this.base}${escapeChannelPart(nsp)}#r#${escapeChannelPart(room)}`;
  }

  /** The channel of a route. */
  of(route: ChannelRoute): string {
    switch (route.kind) {
      case "namespace":
        return this.namespace(route.nsp);
      case "node":
        return this.node(route.nsp, route.uid);
      case "room":
        return this.room(route.nsp, route.room);
    }
  }
}
