import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { msgpackCodec } from "@cometa/codec-msgpack";
import { PacketType } from "@cometa/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { violations } from "../src/fuzz/fuzz-limits.js";
import { runFuzz } from "../src/fuzz/fuzz-run.js";
import { Corpus, type ExecPlan, type FuzzPhase, type WsPlan } from "../src/fuzz/plans.js";
import { replayCrash } from "../src/fuzz/replay.js";
import { upgradeRequest } from "../src/fuzz/seeds.js";
import { encodeClientFrames, Opcode } from "../src/fuzz/ws-frames.js";

/**
 * The fuzz harness must notice what it exists to notice: these runs inject
 * one known-bad plan (the fuzz server's self-test events) into ordinary
 * fuzz traffic and check that it is reported.
 */

/** A WebSocket session that joins `/` and emits `event` (msgpack). */
function eventPlan(event: string, ...args: unknown[]): WsPlan {
  const frames = [
    ...msgpackCodec.encode({ type: PacketType.CONNECT, nsp: "/" }),
    ...msgpackCodec.encode({ type: PacketType.EVENT, nsp: "/", data: [event, ...args] }),
  ];
  const messages = frames.map((f) => ({ opcode: Opcode.BINARY, payload: f as Uint8Array }));
  return { kind: "ws", seed: event, strategy: "valid", upgrade: false, head: upgradeRequest("EIO=4&transport=websocket"), wire: encodeClientFrames(messages).wire };
}

const corpus = new Corpus();
let dir: string | undefined;

afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("fuzz harness self-test", () => {
  it("counts a crash, writes the batch to replay, restarts the server and goes on", async () => {
    dir = mkdtempSync(join(tmpdir(), "cometa-fuzz-test-"));
    const plan = (phase: FuzzPhase, seed: number, index: number): ExecPlan =>
      index === 20 ? eventPlan("__crash") : corpus.plan(phase, seed, index);
    const report = await runFuzz({ budgetMs: 4000, phases: ["websocket"], server: { selfTest: true }, crashDir: dir, batchMs: 500, plan });
    expect(report.crashes).toBe(1);
    expect(report.hangs).toBe(0);
    const crash = JSON.parse(readFileSync(report.crashFiles[0]!, "utf8")) as { indexes: number[]; stderr: string; phase: string };
    expect(crash.phase).toBe("websocket");
    expect(crash.indexes).toContain(20);
    expect(crash.stderr).toContain("self-test crash");
    expect(report.executions).toBeGreaterThan(crash.indexes[crash.indexes.length - 1]! + 1); // it went on after the restart
    expect(violations(report)[0]).toMatch(/^1 crash/);
    // The report is enough to find the culprit again.
    const replay = await replayCrash(report.crashFiles[0]!, plan);
    expect(replay.killer?.index).toBe(20);
    expect(replay.stderr).toContain("self-test crash");
  });

  it("counts a hang when the server's event loop stalls", async () => {
    const report = await runFuzz({
      budgetMs: 4000,
      phases: ["websocket"],
      server: { selfTest: true },
      batchMs: 500,
      stallMs: 1000,
      plan: (phase, seed, index) => (index === 20 ? eventPlan("__stall", 1500) : corpus.plan(phase, seed, index)),
    });
    expect(report.crashes).toBe(0);
    expect(report.hangs).toBeGreaterThanOrEqual(1);
    expect(report.incidents.join("\n")).toMatch(/event loop stalled 1[5-9]\d\d ms|no ack within|probe unanswered/);
    expect(report.maxEventLoopStallMs).toBeGreaterThanOrEqual(1400);
  });
});
