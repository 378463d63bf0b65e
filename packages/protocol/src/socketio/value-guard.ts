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
    if (++nodes > limits.maxNodes) return new ProtocolError("DECODE_BUDGET_EXCEEDED", `more than ${limits.maxNodes} values`);
    const kind = typeof value;
    if (value == null || kind === "string" || kind === "number" || kind === "boolean" || value instanceof Uint8Array) continue;
    if (kind !== "object") return new ProtocolError("DECODE_TYPE_REJECTED", `${kind} value`);
    if (depth >= limits.maxDepth) return new ProtocolError("DECODE_DEPTH_EXCEEDED", `nesting deeper than ${limits.maxDepth}`);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        values.push(value[i]);
        depths.push(depth + 1);
      }
      continue;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return new ProtocolError("DECODE_TYPE_REJECTED", "not a plain object");
    // JSON.parse and some decoders create an own "__proto__" property, a trap for code that copies the value.
    if (Object.hasOwn(value as object, "__proto__")) return new ProtocolError("DECODE_FORBIDDEN_KEY", "key __proto__");
    for (const key in value as Record<string, unknown>) {
      values.push((value as Record<string, unknown>)[key]);
      depths.push(depth + 1);
    }
  }
  return undefined;
}
