/**
 * Codec benchmark (not a test): encode and decode ops/s of EVENT packets of
 * about 100 B, 1 KB and 64 KB for
 *   - our Node codec and our lite codec (hardening on, default limits),
 *   - socket.io-msgpack-parser 3.0.2 (notepack.io 2.2), the reference,
 *   - our text codec and socket.io-parser 4.2 (the Socket.IO default parser).
 * Warmup, then ROUNDS interleaved rounds of SLICE_MS of CPU time per case
 * (process CPU time, not wall time: the machine is shared, and time slices
 * given to other processes must not count). The table shows the median ops
 * per CPU second and the median over rounds of the ratio to
 * socket.io-msgpack-parser measured in the same round, with the range of the
 * middle half of those ratios (how much the machine's noise moved them).
 * After the table, the text codec's per-round ratios to socket.io-parser.
 *
 * Run: `pnpm bench` in packages/codec-msgpack. BENCH_ROUNDS and BENCH_SLICE_MS
 * change the schedule; BENCH_ONLY (a regular expression matched against
 * "<size> <op> <codec>", e.g. "decode") keeps only the matching cases, plus
 * the reference they are compared with.
 */
import { createRequire } from "node:module";
import * as protocol from "@cometa/protocol";
import type { Codec, Frame, Packet } from "@cometa/protocol";
import { liteMsgpackCodec } from "../src/lite/index.js";
import { msgpackCodec } from "../src/msgpack-codec.js";

// Many short rounds rather than a few long ones: on a shared, noisy machine a
// load spike then hits every case of a round alike and its ratios survive.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 60);
const WARMUP_MS = 300;
const ONLY = process.env.BENCH_ONLY === undefined ? undefined : new RegExp(process.env.BENCH_ONLY);

interface Emitterish {
  on(event: "decoded", listener: (packet: unknown) => void): void;
  add(chunk: unknown): void;
}
interface ReferenceParser {
  Encoder: new () => { encode(packet: unknown): unknown[] };
  Decoder: new () => Emitterish;
}

const require = createRequire(import.meta.url);
const msgpackParser = require("socket.io-msgpack-parser") as ReferenceParser;
// socket.io-parser is a devDependency of @cometa/protocol; borrow it from there.
const requireFromProtocol = createRequire(new URL("../../protocol/package.json", import.meta.url));
const textParser = requireFromProtocol("socket.io-parser") as ReferenceParser;

/** One measured implementation: how to encode a packet and how to decode its frames. */
interface Contender {
  readonly name: string;
  encode(packet: Packet): unknown[];
  decoder(): (frames: unknown[]) => unknown;
}

function ours(name: string, codec: Codec): Contender {
  return {
    name,
    encode: (packet) => codec.encode(packet),
    decoder() {
      const decoder = codec.createDecoder();
      return (frames) => {
        let result: unknown;
        for (const frame of frames) result = decoder.add(frame as Frame);
        return result;
      };
    },
  };
}

function reference(name: string, parser: ReferenceParser): Contender {
  const encoder = new parser.Encoder();
  return {
    name,
    encode: (packet) => encoder.encode(packet),
    decoder() {
      const decoder = new parser.Decoder();
      let last: unknown;
      decoder.on("decoded", (packet) => {
        last = packet;
      });
      return (frames) => {
        for (const frame of frames) decoder.add(frame);
        return last;
      };
    },
  };
}

const REFERENCE = "socket.io-msgpack-parser";
const contenders: Contender[] = [
  ours("cometa msgpack", msgpackCodec),
  ours("cometa msgpack/lite", liteMsgpackCodec),
  reference(REFERENCE, msgpackParser),
];
const textCodec = (protocol as { textCodec?: Codec }).textCodec;
if (textCodec) contenders.push(ours("cometa text", textCodec));
contenders.push(reference("socket.io-parser (text)", textParser));

/** A chat-like record: short strings, numbers, a boolean, a nested array. */
function record(i: number): Record<string, unknown> {
  return { id: 100_000 + i, user: `user-${i % 97}`, text: `message number ${i}: hello wörld`, ts: 1_700_000_000_000 + i, read: i % 2 === 0, tags: ["a", "bb"] };
}
const packets: readonly (readonly [string, Packet])[] = [
  ["~100 B", { type: 2, nsp: "/", data: ["chat:message", { room: "lobby", user: "alice", text: "hello there, how are you today?", ts: 1_700_000_000_000 }] }],
  ["~1 KB", { type: 2, nsp: "/chat", data: ["history", Array.from({ length: 9 }, (_, i) => record(i))], id: 42 }],
  ["~64 KB", { type: 2, nsp: "/chat", data: ["bulk", Array.from({ length: 580 }, (_, i) => record(i))] }],
];

interface Case {
  readonly size: string;
  readonly op: "encode" | "decode";
  readonly contender: string;
  readonly run: () => unknown;
  readonly samples: number[];
}

const cases: Case[] = [];
const sizes = new Map<string, number>();
for (const [size, packet] of packets) {
  sizes.set(size, (msgpackCodec.encode(packet)[0] as Uint8Array).length);
  for (const c of contenders) {
    const frames = c.encode(packet);
    const decode = c.decoder();
    for (const [op, run] of [["encode", () => c.encode(packet)], ["decode", () => decode(frames)]] as const) {
      if (c.name !== REFERENCE && ONLY && !ONLY.test(`${size} ${op} ${c.name}`)) continue;
      cases.push({ size, op, contender: c.name, run, samples: [] });
    }
  }
}

let sink = 0;
/** CPU time this process has used, in µs: time slices lost to other workloads do not count. */
const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
/** Run `fn` for about `ms` milliseconds of CPU time; returns ops per CPU second. */
function measure(fn: () => unknown, ms: number): number {
  const budget = ms * 1000;
  const start = cpuMicros();
  let ops = 0;
  let batch = 1;
  let elapsed = 0;
  while (elapsed < budget) {
    for (let i = 0; i < batch; i++) if (fn() !== undefined) sink++;
    ops += batch;
    elapsed = cpuMicros() - start;
    if (batch < 1024) batch *= 2;
  }
  return (ops * 1e6) / elapsed;
}

console.log(`Node ${process.version}, ${ROUNDS} rounds × ${SLICE_MS} ms CPU time per case, median ops per CPU second`);
for (const c of cases) measure(c.run, WARMUP_MS / 3);
for (let round = 0; round < ROUNDS; round++) {
  for (const c of cases) c.samples.push(measure(c.run, SLICE_MS));
  process.stdout.write(`round ${round + 1}/${ROUNDS}\r`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};
const quartile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.round((xs.length - 1) * q)]!;
const rows: string[][] = [["payload", "op", "codec", "ops/s", "vs msgpack-parser", "middle half"]];
for (const [size] of packets) {
  for (const op of ["encode", "decode"] as const) {
    const group = cases.filter((c) => c.size === size && c.op === op);
    const ref = group.find((c) => c.contender === REFERENCE)!.samples;
    for (const c of group) {
      const ratios = c.samples.map((ops, round) => ops / ref[round]!);
      rows.push([
        `${size} (${sizes.get(size)} B)`,
        op,
        c.contender,
        Math.round(median(c.samples)).toLocaleString("en-US"),
        `${median(ratios).toFixed(2)}×`,
        `${quartile(ratios, 0.25).toFixed(2)}–${quartile(ratios, 0.75).toFixed(2)}`,
      ]);
    }
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const [i, r] of rows.entries()) {
  console.log(`| ${r.map((cell, j) => (j >= 3 ? cell.padStart(widths[j]!) : cell.padEnd(widths[j]!))).join(" | ")} |`);
  if (i === 0) console.log(`|${widths.map((w, j) => (j >= 3 ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`);
}

// The text codec against its own reference, per round like the table's ratios.
const TEXT_PAIR = ["cometa text", "socket.io-parser (text)"] as const;
const textRows: string[] = [];
for (const [size] of packets) {
  for (const op of ["encode", "decode"] as const) {
    const [ours, theirs] = TEXT_PAIR.map((name) => cases.find((c) => c.size === size && c.op === op && c.contender === name)?.samples);
    if (ours === undefined || theirs === undefined) continue;
    const ratios = ours.map((ops, round) => ops / theirs[round]!);
    textRows.push(`${size} ${op} ${median(ratios).toFixed(2)}× (${quartile(ratios, 0.25).toFixed(2)}–${quartile(ratios, 0.75).toFixed(2)})`);
  }
}
if (textRows.length > 0) console.log(`\n${TEXT_PAIR[0]} vs ${TEXT_PAIR[1]}, median (middle half) of per-round ratios:\n${textRows.join("\n")}`);
if (sink < 0) console.log(sink);
