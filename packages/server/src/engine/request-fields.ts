/**
 * Building the plain objects of a request (headers, query) safely: keys come
 * from the peer, so `__proto__` must become an own property, never a
 * prototype change.
 */

/** Define an own enumerable property, even for the key `__proto__`. */
export function setOwn(target: Record<string, string>, key: string, value: string): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Decode a raw query string (`a=1&b=2`) into an object, as `URLSearchParams`
 * does; the first value of a repeated key wins.
 */
export function parseQuery(raw: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (raw === "") return query;
  // Engine.IO queries (`EIO=4&transport=websocket&sid=…`) carry nothing to decode: slice them
  // directly instead of running URLSearchParams (its iterator allocates ~700 bytes per request).
  if (raw.indexOf("%") === -1 && raw.indexOf("+") === -1) {
    let start = 0;
    while (start <= raw.length) {
      let end = raw.indexOf("&", start);
      if (end === -1) end = raw.length;
      if (end > start) {
        const eq = raw.indexOf("=", start);
        const split = eq === -1 || eq > end ? end : eq;
        const key = raw.slice(start, split);
        if (!Object.hasOwn(query, key)) setOwn(query, key, split === end ? "" : raw.slice(split + 1, end));
      }
      start = end + 1;
    }
    return query;
  }
  for (const [key, value] of new URLSearchParams(raw)) if (!Object.hasOwn(query, key)) setOwn(query, key, value);
  return query;
}
