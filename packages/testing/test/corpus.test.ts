import { msgpackCodec } from "@cometa/codec-msgpack";
import { type Codec, decodeFrame, decodePayload, type Packet, ProtocolError, textCodec } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import { Corpus, type ExecPlan, type FuzzPhase, type Strategy } from "../src/fuzz/plans.js";
import { pollingSeeds, wsSeeds } from "../src/fuzz/seeds.js";
import { Opcode } from "../src/fuzz/ws-frames.js";

/** Decode Engine.IO message payloads with a codec; fail on the first error. */
function decodeAll(codec: Codec, payloads: readonly (string | Uint8Array)[]): Packet[] {
  const decoder = codec.createDecoder();
  const packets: Packet[] = [];
  for (const payload of payloads) {
    const result = decoder.add(payload);
    if (result instanceof ProtocolError) throw new Error(`${result.code} on ${String(payload)}`);
    if (result !== undefined) packets.push(result);
  }
  return packets;
}

describe("seed corpus", () => {
  it("WebSocket seeds are valid Engine.IO + Socket.IO traffic", () => {
    for (const seed of wsSeeds().filter((s) => s.name !== "ws-engine")) {
      const payloads: (string | Uint8Array)[] = [];
      for (const message of seed.messages) {
        if (message.opcode === Opcode.BINARY) {
          payloads.push(message.payload);
          continue;
        }
        const packet = decodeFrame(new TextDecoder().decode(message.payload));
        if (packet instanceof ProtocolError) throw packet;
        if (packet.type === "message") payloads.push(packet.data as string);
        else expect(["ping", "upgrade"]).toContain(packet.type); // the upgrade probe
      }
      const packets = decodeAll(seed.flavour === "msgpack" ? msgpackCodec : textCodec, payloads);
      expect(packets.length, seed.name).toBeGreaterThanOrEqual(8);
      expect(packets[0]!.type === 0 || packets.some((p) => p.type === 0), seed.name).toBe(true);
    }
  });

  it("polling seeds are valid payloads of valid packets", () => {
    for (const seed of pollingSeeds().filter((s) => s.name !== "poll-engine")) {
      const payloads = seed.bodies.flatMap((body) => {
        const packets = decodePayload(new TextDecoder().decode(body));
        if (packets instanceof ProtocolError) throw packets;
        return packets.map((p) => p.data!);
      });
      expect(decodeAll(seed.flavour === "msgpack" ? msgpackCodec : textCodec, payloads).length, seed.name).toBeGreaterThanOrEqual(8);
    }
  });

  it("covers both parsers, namespaces, binary, acks and the upgrade", () => {
    const names = wsSeeds().map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["ws-msgpack-main", "ws-text-main", "upgrade-msgpack", "upgrade-text"]));
    const textBodies = pollingSeeds().flatMap((s) => s.bodies.map((b) => new TextDecoder().decode(b)));
    expect(textBodies.some((b) => b.includes("\x1e"))).toBe(true);
    expect(textBodies.some((b) => b.includes("\x1eb") || b.startsWith("b"))).toBe(true);
    expect(textBodies.some((b) => b.includes("_placeholder"))).toBe(true);
  });
});

describe("Corpus.plan", () => {
  const corpus = new Corpus();

  it("is a pure function of (phase, seed, index)", () => {
    const other = new Corpus();
    for (const phase of ["websocket", "polling"] as const) {
      for (let i = 0; i < 300; i++) expect(corpus.plan(phase, 99, i)).toEqual(other.plan(phase, 99, i));
    }
    expect(corpus.plan("websocket", 99, 1)).not.toEqual(corpus.plan("websocket", 100, 1));
  });

  it("uses every strategy and every seed", () => {
    const seen = (phase: FuzzPhase): { strategies: Set<Strategy>; seeds: Set<string>; kinds: Set<ExecPlan["kind"]> } => {
      const out = { strategies: new Set<Strategy>(), seeds: new Set<string>(), kinds: new Set<ExecPlan["kind"]>() };
      for (let i = 0; i < 3000; i++) {
        const plan = corpus.plan(phase, 5, i);
        out.strategies.add(plan.strategy);
        out.seeds.add(plan.seed);
        out.kinds.add(plan.kind);
      }
      return out;
    };
    const ws = seen("websocket");
    expect([...ws.strategies].sort()).toEqual(["framing", "havoc", "head", "sequence", "splice", "valid", "zzuf"]);
    expect(ws.seeds.size).toBe(wsSeeds().length);
    const polling = seen("polling");
    expect([...polling.strategies].sort()).toEqual(["havoc", "head", "raw-http", "sequence", "sid", "splice", "valid", "zzuf"]);
    expect([...polling.kinds].sort()).toEqual(["http", "polling"]);
  });

  it("sends the seed unchanged under the valid strategy", () => {
    for (let i = 0; i < 2000; i++) {
      const plan = corpus.plan("polling", 11, i);
      if (plan.kind !== "polling" || plan.strategy !== "valid") continue;
      const seed = corpus.polling.find((s) => s.name === plan.seed)!;
      expect(plan.bodies).toEqual(seed.bodies);
      return;
    }
    throw new Error("no valid polling plan in 2000");
  });
});
