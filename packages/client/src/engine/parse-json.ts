/**
 * `JSON.parse` for the small JSON objects servers send the engine (the
 * handshake, HTTP error bodies, close hints): returns the object, or
 * `undefined` for anything that is not a JSON object. Never throws.
 *
 * @example
 * ```ts
 * parseJsonObject('{"retryAfterMs":3000}') // { retryAfterMs: 3000 }
 * parseJsonObject("[1]")                   // undefined
 * ```
 */
export function parseJsonObject(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== "string" || text[0] !== "{") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
