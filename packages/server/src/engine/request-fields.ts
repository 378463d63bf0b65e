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

/** Decode a raw query string (`a=1&b=2`) into an object; the first value of a repeated key wins. */
export function parseQuery(raw: string): Record<string, string> {
  const query: Record<string, string> = {};
  if (raw === "") return query;
  for (const [key, value] of new URLSearchParams(raw)) if (!Object.hasOwn(query, key)) setOwn(query, key, value);
  return query;
}
