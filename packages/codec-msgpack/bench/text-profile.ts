/**
 * Profiling harness (not a test, not the benchmark): runs one text-codec
 * operation in a loop so `node --cpu-prof` sees only it. Usage:
 * `node --conditions=source --cpu-prof --import tsx bench/text-profile.ts <encode|decode> <100|1k|64k> [ours|ref]`.
 */
import { createRequire } from "node:module";
import { type Frame, type Packet, textCodec } from "@cometa/protocol";

interface ReferenceParser {
  Encoder: new () => { encode(packet: unknown): unknown[] };
  Decoder: new () => { on(event: "decoded", listener: (packet: unknown) => void): void; add(chunk: unknown): void };
}
const requireFromProtocol = createRequire(new URL("../../protocol/package.json", import.meta.url));
const textParser = requireFromProtocol("socket.io-parser") as ReferenceParser;

function record(i: number): Record<string, unknown> {
  return { id: 100_000 + i, user: `user-${i % 97}`, text: `message number ${i}: hello wörld`, ts: 1_700_000_000_000 + i, read: i % 2 === 0, tags: ["a", "bb"] };
}
const packets: Record<string, Packet> = {
  "100": { type: 2, nsp: "/", data: ["chat:message", { room: "lobby", user: "alice", text: "hello there, how are you today?", ts: 1_700_000_000_000 }] },
  "1k": { type: 2, nsp: "/chat", data: ["history", Array.from({ length: 9 }, (_, i) => record(i))], id: 42 },
  "64k": { type: 2, nsp: "/chat", data: ["bulk", Array.from({ length: 580 }, (_, i) => record(i))] },
};
const [op = "decode", size = "100", who = "ours"] = process.argv.slice(2);
const packet = packets[size]!;
const seconds = Number(process.env.PROFILE_SECONDS ?? 3);
let run: () => unknown;
if (who === "ref") {
  const encoder = new textParser.Encoder();
  const decoder = new textParser.Decoder();
  let last: unknown;
  decoder.on("decoded", (p) => {
    last = p;
  });
  const frames = encoder.encode(packet);
  run = op === "encode" ? () => encoder.encode(packet) : () => {
    for (const f of frames) decoder.add(f);
    return last;
  };
} else {
  const decoder = textCodec.createDecoder();
  const frames = textCodec.encode(packet);
  run = op === "encode" ? () => textCodec.encode(packet) : () => {
    let r: unknown;
    for (const f of frames) r = decoder.add(f as Frame);
    return r;
  };
}
let sink = 0;
let ops = 0;
const start = process.cpuUsage();
for (;;) {
  for (let i = 0; i < 1000; i++) if (run() !== undefined) sink++;
  ops += 1000;
  const { user, system } = process.cpuUsage(start);
  if (user + system > seconds * 1e6) {
    console.log(`${op} ${size} ${who}: ${Math.round((ops * 1e6) / (user + system)).toLocaleString("en-US")} ops/CPU s`);
    break;
  }
}
if (sink < 0) console.log(sink);
