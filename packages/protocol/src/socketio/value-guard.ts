import { ProtocolError } from "../errors.js";

/**
 * Limits every decoder applies to decoded values, whatever the wire format.
 * The defaults keep a 1 MB message from costing more than a few MB of heap.
 */
export interface ValueLimits {
  /** Deepest allowed nesting of arrays/objects (the packet's `data` is depth 1). Default 32. */
  readonly maxDepth: number;
  /** Most values (scalars + containers) in one packet. Default 10 000. */
  readonly maxNodes: number;
}

/** Safe defaults (RELIABILITY.md §2.1). */
export const DEFAULT_VALUE_LIMITS: ValueLimits = { maxDepth: 32, maxNodes: 10_000 };

/** Keys that could reach an object's prototype chain when user code copies the value. */
const FORBIDDEN_KEYS = new Set(["__proto__"]);

/**
 * Walk a decoded value and check it holds only wire-safe data: `null`,
 * booleans, finite or non-finite numbers, strings, `Uint8Array`s, arrays and
 * plain objects (prototype `Object.prototype` or `null`), within `limits`,
 * with no `__proto__` key. `undefined` is allowed (it is how notepack marks
 * absent values). Returns the offending error, or `undefined` when the value is
 * safe. Iterative, so hostile nesting cannot overflow the stack.
 *
 * @example
 * ```ts
 * const err = guardValue(JSON.parse(text), DEFAULT_VALUE_LIMITS);
 * if (err) return err;
 * ```
 */
export function guardValue(root: unknown, limits: ValueLimits = DEFAULT_VALUE_LIMITS): ProtocolError | undefined {
  // Parallel stacks of values and their depths: no per-node allocation.
  const values: unknown[] = [root];
  const depths: number[] = [0];
  let nodes = 0;
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    if (++nodes > limits.maxNodes) {
      return new ProtocolError("DECODE_BUDGET_EXCEEDED", `more than ${limits.maxNodes} values in one packet`);
    }
    if (value === null || value === undefined) continue;
    const kind = typeof value;
    if (kind === "string" || kind === "number" || kind === "boolean") continue;
    if (kind !== "object") return new ProtocolError("DECODE_TYPE_REJECTED", `values of type ${kind} are not allowed`);
    if (value instanceof Uint8Array) continue;
    if (depth >= limits.maxDepth) {
      return new ProtocolError("DECODE_DEPTH_EXCEEDED", `nesting deeper than ${limits.maxDepth}`);
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        values.push(value[i]);
        depths.push(depth + 1);
      }
      continue;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      return new ProtocolError("DECODE_TYPE_REJECTED", "only plain objects are allowed");
    }
    for (const key in value as Record<string, unknown>) {
      if (FORBIDDEN_KEYS.has(key)) return new ProtocolError("DECODE_FORBIDDEN_KEY", `key ${key} is not allowed`);
      values.push((value as Record<string, unknown>)[key]);
      depths.push(depth + 1);
    }
    // JSON.parse and some decoders create an own "__proto__" property that for…in skips.
    if (Object.hasOwn(value, "__proto__")) {
      return new ProtocolError("DECODE_FORBIDDEN_KEY", "key __proto__ is not allowed");
    }
  }
  return undefined;
}
