import { CometaError, DEFAULT_VALUE_LIMITS, type ValueLimits } from "@cometa/protocol";

/**
 * Options shared by both MessagePack codecs (`msgpackCodec` for Node and the
 * browser-sized `liteMsgpackCodec`). Both apply the same limits with the same
 * error codes, so a packet accepted by one is accepted by the other.
 */
export interface MsgpackCodecOptions {
  /**
   * Deepest nesting of maps/arrays. The packet map itself is depth 0 and its
   * `data` depth 1, so the default 32 allows 31 levels inside `data`.
   * Deeper input is rejected with `DECODE_DEPTH_EXCEEDED`. Default 32, at most 1000.
   */
  readonly maxDepth?: number;
  /**
   * Most values (scalars and containers, map keys not counted) in one packet,
   * the packet map included. Checked when a container header is read, before
   * anything is allocated: `DECODE_BUDGET_EXCEEDED`. Default 10 000.
   */
  readonly maxNodes?: number;
}

/** Error thrown for programmer misuse of a codec (bad options, unencodable packets). */
export class MsgpackCodecError extends CometaError<
  "INVALID_OPTION" | "ENCODE_INVALID_PACKET" | "ENCODE_UNSUPPORTED_VALUE" | "ENCODE_TOO_DEEP"
> {}

// Recursion in both the decoder and the encoder is bounded by this, so no
// option value can make them overflow the stack.
const DEPTH_CEILING = 1000;

/**
 * Fill in defaults and check option ranges. Throws `MsgpackCodecError`
 * (`INVALID_OPTION`) for values that are not positive integers in range.
 */
export function resolveLimits(options: MsgpackCodecOptions | undefined): ValueLimits {
  return {
    maxDepth: checked("maxDepth", options?.maxDepth ?? DEFAULT_VALUE_LIMITS.maxDepth, DEPTH_CEILING),
    maxNodes: checked("maxNodes", options?.maxNodes ?? DEFAULT_VALUE_LIMITS.maxNodes, Infinity),
  };
}

function checked(name: string, value: number, max: number): number {
  if (!(Number.isInteger(value) && value >= 1 && value <= max)) {
    throw new MsgpackCodecError("INVALID_OPTION", `${name} not an integer in 1…${max}`);
  }
  return value;
}
