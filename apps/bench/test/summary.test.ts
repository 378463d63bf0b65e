import { describe, expect, it } from "vitest";
import type { PhaseResult } from "../src/load/scenario-spec.js";
import { renderMarkdownTable, renderTextTable } from "../src/report/result-table.js";
import { type RawResult, summarize } from "../src/report/summary.js";
import { renderSvgChart } from "../src/report/svg-chart.js";
import type { TargetName } from "../src/run/targets.js";

function result(scenario: string, phase: string, serverCpuUsPerOp: number, extra: Partial<PhaseResult> = {}): PhaseResult {
  return {
    scenario,
    phase,
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
    ...extra,
  };
}

const raw = (target: TargetName, round: number, r: PhaseResult): RawResult => ({ target, round, result: r });

describe("summarize", () => {
  const rows = summarize([
    raw("socketio-uws", 1, result("fanout-1000", "fixed", 1.2)),
    raw("bare-uws", 1, result("fanout-1000", "fixed", 0.8)),
    raw("cometa", 1, result("fanout-1000", "fixed", 0.9)),
    raw("bare-uws", 2, result("fanout-1000", "fixed", 0.8)),
    raw("cometa", 2, result("fanout-1000", "fixed", 1.1, { notes: ["generator-bound"] })),
    raw("cometa", 3, result("fanout-1000", "fixed", 0.7)),
    raw("cometa", 1, result("idle-10000", "idle", 0, { rssPerConnectionBytes: 4096, operation: "connection" })),
  ]);

  it("orders rows by scenario then table order and takes medians over rounds", () => {
    expect(rows.map((row) => `${row.key} ${row.target}`)).toEqual([
      "fanout-1000/fixed bare-uws",
      "fanout-1000/fixed cometa",
      "fanout-1000/fixed socketio-uws",
      "idle-10000 cometa",
    ]);
    const cometa = rows[1]!;
    expect(cometa.rounds).toBe(3);
    expect(cometa.primary).toBeCloseTo(0.9, 9);
    expect(cometa.figures.notes).toEqual(["generator-bound"]);
  });

  it("relates each row to bare uWS and Socket.IO on uWS and checks Cometa's goal", () => {
    const cometa = rows[1]!;
    expect(cometa.vsBare).toBeCloseTo(0.9 / 0.8, 9);
    expect(cometa.vsSocketioUws).toBeCloseTo(0.9 / 1.2, 9);
    expect(cometa.goal).toEqual({ text: "≤ 1.15× bare uWS", met: true });
    expect(rows[0]!.goal).toBeUndefined();
  });

  it("uses KiB per connection as the idle figure", () => {
    const idle = rows[3]!;
    expect(idle).toMatchObject({ primary: 4, unit: "KiB/conn", goal: { met: false } });
    expect(idle.vsBare).toBeUndefined();
  });

  it("renders the table as text, Markdown and SVG", () => {
    expect(renderTextTable(rows).split("\n")).toHaveLength(5);
    expect(renderMarkdownTable(rows).split("\n")[1]).toMatch(/^\|---\|/);
    const svg = renderSvgChart(rows, "a <noisy> machine");
    expect(svg).toMatch(/^<svg[^>]+xmlns/);
    expect(svg).toContain("a &lt;noisy&gt; machine");
    expect(svg.match(/<rect x=/g)).toHaveLength(4);
  });
});
