/**
 * The shared codec conformance suite (packages/protocol/test/codec-suite.ts),
 * run for both MessagePack codecs, with `forge` writing raw, unvalidated
 * packet maps the way a hostile peer would.
 */
import type { Frame } from "@cometa/protocol";
import { runCodecSuite } from "../../protocol/test/codec-suite.js";
import { beginEncode, endEncode, takeEncoded, writeValue } from "../src/value-writer.js";
import { CODECS } from "./codecs.js";

/** Encode any map as is: no type/nsp/id checks, undefined written as notepack's ext 0. */
function forge(raw: Record<string, unknown>): Frame[] {
  beginEncode();
  try {
    writeValue(raw);
    return [takeEncoded()];
  } finally {
    endEncode();
  }
}

for (const [name, make] of CODECS) {
  runCodecSuite(`msgpack (${name})`, () => make(), { binaryInData: true, carriesMid: true, forge });
}
