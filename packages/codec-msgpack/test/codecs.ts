/**
 * The codecs under test, so every spec runs against each (STYLE.md #8: one
 * suite, run per implementation). The Node codec runs twice: as given (the
 * specs feed it plain Uint8Arrays) and with every frame copied into a Buffer
 * first, so both input species of its reader are covered.
 */
import type { Codec, PacketDecoder } from "@cometa/protocol";
import type { MsgpackCodecOptions } from "../src/lite/codec-options.js";
import { createLiteMsgpackCodec } from "../src/lite/index.js";
import { createMsgpackCodec } from "../src/msgpack-codec.js";

function withBufferFrames(options?: MsgpackCodecOptions): Codec {
  const codec = createMsgpackCodec(options);
  const inner = codec.createDecoder();
  const decoder: PacketDecoder = {
    add: (frame) => inner.add(typeof frame === "string" ? frame : Buffer.from(frame)),
    reset: () => inner.reset(),
  };
  return { ...codec, createDecoder: () => decoder };
}

export const CODECS: readonly (readonly [string, (options?: MsgpackCodecOptions) => Codec])[] = [
  ["msgpack", createMsgpackCodec],
  ["msgpack, Buffer frames", withBufferFrames],
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
