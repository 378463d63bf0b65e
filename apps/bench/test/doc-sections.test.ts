import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { PhaseResult } from "../src/load/scenario-spec.js";
import { renderBenchmarksDoc } from "../src/report/benchmarks-doc.js";
import { mergeSections, readSections, sectionRows, sectionSubtitles, sectionsOf } from "../src/report/doc-sections.js";
import type { RunMeta } from "../src/report/run-meta.js";
import { summarize } from "../src/report/summary.js";

function meta(date: string): RunMeta {
  return {
    date,
    node: "v20.20.2",
    cpuModel: "test cpu",
    cores: 2,
    memoryGiB: 8,
    kernel: "6.0",
    pinned: true,
    loadAverageAtStart: 0.1,
    rounds: 1,
    durationSeconds: 2,
    smoke: false,
    skippedTargets: [],
    skippedScenarios: [],
  };
}

function phase(scenario: string, serverCpuUsPerOp: number, instances?: number): PhaseResult {
  const result: PhaseResult = {
    scenario,
    phase: "saturated",
    operation: "delivery",
    ops: 1000,
    seconds: 1,
    throughput: 1000,
    serverCpuUsPerOp,
    serverCpuPercent: 50,
    generatorCpuPercent: 40,
    serverRssBytes: 2 ** 26,
    latency: { count: 1000, p50: 1, p99: 2, max: 3 },
    notes: [],
  };
  if (instances !== undefined) Object.assign(result, { instances, redisCpuUsPerOp: 0.1, redisCpuPercent: 1 });
  return result;
}

const mainRows = summarize([{ target: "cometa", round: 1, result: phase("fanout-1000", 3) }]);
const clusterRows = summarize([
  { target: "cometa", round: 1, result: phase("cluster-fanout-1000", 3) },
  { target: "cometa", round: 1, result: phase("cluster-fanout-1000", 3.3, 2) },
]);

describe("doc sections", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("splits a run into the single-server and the cross-instance section", () => {
    const sections = sectionsOf(meta("2026-01-01"), [...mainRows, ...clusterRows]);
    expect(sections.main?.rows).toHaveLength(1);
    expect(sections.cluster?.rows).toHaveLength(2);
    expect(sectionsOf(meta("2026-01-01"), clusterRows).main).toBeUndefined();
  });

  it("a partial run replaces only the section it measured", () => {
    const earlier = sectionsOf(meta("2026-01-01"), [...mainRows, ...clusterRows]);
    const merged = mergeSections(earlier, sectionsOf(meta("2026-02-02"), clusterRows));
    expect(merged.main?.meta.date).toBe("2026-01-01");
    expect(merged.cluster?.meta.date).toBe("2026-02-02");
  });

  it("labels the chart's subtitle lines by section only when the sections come from different runs", () => {
    const same = sectionsOf(meta("2026-01-01"), [...mainRows, ...clusterRows]);
    expect(sectionSubtitles(same)).toHaveLength(1);
    expect(sectionRows(same).map((row) => row.key)).toEqual([mainRows[0]!.key, ...clusterRows.map((row) => row.key)]);
    const mixed = mergeSections(same, sectionsOf(meta("2026-02-02"), clusterRows));
    expect(sectionSubtitles(mixed)).toEqual([expect.stringMatching(/^single-server: 2026-01-01/), expect.stringMatching(/^cross-instance: 2026-02-02/)]);
    expect(sectionSubtitles({})).toEqual([]);
  });

  it("reads sections back, and a results file from before sections existed as the main section", () => {
    dir = mkdtempSync(join(tmpdir(), "cometa-bench-sections-"));
    const current = join(dir, "current.json");
    writeFileSync(current, JSON.stringify({ sections: sectionsOf(meta("2026-03-03"), [...mainRows, ...clusterRows]) }));
    expect(readSections(current).cluster?.rows[1]?.vsSingle).toBeCloseTo(1.1, 9);
    const legacy = join(dir, "legacy.json");
    const oldRows = mainRows.map(({ instances: _, ...row }) => row);
    writeFileSync(legacy, JSON.stringify({ meta: meta("2025-12-12"), rows: oldRows }));
    const read = readSections(legacy);
    expect(read.cluster).toBeUndefined();
    expect(read.main?.meta.date).toBe("2025-12-12");
    expect(read.main?.rows[0]?.instances).toBe(1);
    expect(readSections(join(dir, "missing.json"))).toEqual({});
  });

  it("renders both sections in the docs, and says when one was never measured", () => {
    const doc = renderBenchmarksDoc(sectionsOf(meta("2026-04-04"), [...mainRows, ...clusterRows]));
    expect(doc).toContain("## Latest run");
    expect(doc).toContain("## Cross-instance fan-out on Redis");
    expect(doc).toContain("| cluster-fanout-1000/saturated | Cometa | 2 + Redis |");
    expect(doc).toMatch(/cluster-fanout-1000\/saturated: 1\.10× \(met\)/);
    const onlyMain = renderBenchmarksDoc(sectionsOf(meta("2026-04-04"), mainRows));
    expect(onlyMain).toContain("Not measured yet: run `pnpm bench -- --scenarios cluster-fanout`");
  });
});
