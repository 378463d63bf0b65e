/**
 * The codecs under test, so every spec runs against each (STYLE.md #8: one
 * suite, run per implementation). "msgpackr path" is the msgpackr codec with
 * its small-frame shortcut off, so even tiny frames go through scan + msgpackr.
 */
import type { Codec } from "@cometa/protocol";
import { type MsgpackCodecOptions, resolveLimits } from "../src/lite/codec-options.js";
import { createLiteMsgpackCodec } from "../src/lite/index.js";
import { createMsgpackCodec, createMsgpackDecoder } from "../src/msgpack-codec.js";

function msgpackrOnly(options?: MsgpackCodecOptions): Codec {
  const decoder = createMsgpackDecoder(resolveLimits(options), 0);
  return { ...createMsgpackCodec(options), createDecoder: () => decoder };
}

export const CODECS: readonly (readonly [string, (options?: MsgpackCodecOptions) => Codec])[] = [
  ["msgpack", createMsgpackCodec],
  ["msgpackr path", msgpackrOnly],
  ["lite", createLiteMsgpackCodec],
];

/** Hex string (spaces allowed) → bytes. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

/** Bytes → lowercase hex with single spaces, for readable diffs. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
