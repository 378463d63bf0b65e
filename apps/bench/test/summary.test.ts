import { describe, expect, it } from "vitest";
import type { PhaseResult } from "../src/load/scenario-spec.js";
import { renderClusterMarkdown, renderClusterText } from "../src/report/cluster-table.js";
import { renderMarkdownTable, renderTextTable } from "../src/report/result-table.js";
import { CLUSTER_GOAL_RATIO, isClusterRow, type RawResult, summarize } from "../src/report/summary.js";
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

  it("keeps the user-space part of the server cost as a median, and shows it in the table", () => {
    const split = summarize([
      raw("cometa", 1, result("rpc-100", "rpc", 9, { serverUserUsPerOp: 3 })),
      raw("cometa", 2, result("rpc-100", "rpc", 10, { serverUserUsPerOp: 5 })),
      raw("cometa", 3, result("rpc-100", "rpc", 11, { serverUserUsPerOp: 4 })),
    ]);
    expect(split[0]!.figures.serverUserUsPerOp).toBe(4);
    expect(renderTextTable(split).split("\n")[1]).toMatch(/10\.0 µs\/delivery\s+4\.00\s/);
    // Results written before the split existed have no user part: a dash, not a zero.
    expect(renderTextTable(rows.slice(0, 1)).split("\n")[1]).toMatch(/µs\/delivery\s+–\s/);
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

describe("summarize: cross-instance rows", () => {
  const cluster = (cpu: number, instances?: number, extra: Partial<PhaseResult> = {}): PhaseResult =>
    result("cluster-fanout-1000", "saturated", cpu, instances === undefined ? extra : { instances, redisCpuUsPerOp: 0.1, redisCpuPercent: 2, ...extra });
  const rows = summarize([
    raw("cometa", 1, cluster(3.0)),
    raw("socketio-uws", 1, cluster(3.5)),
    raw("cometa", 1, cluster(3.6, 2)),
    raw("socketio-uws", 1, cluster(4.9, 2)),
    raw("cometa", 2, cluster(3.0)),
    raw("cometa", 2, cluster(4.2, 2, { redisCpuUsPerOp: 0.3 })),
  ]);

  it("puts the 1-instance baseline first and divides the 2-instance rows by it, per target", () => {
    expect(rows.map((row) => `${row.target}×${row.instances}`)).toEqual(["cometa×1", "socketio-uws×1", "cometa×2", "socketio-uws×2"]);
    expect(rows.every(isClusterRow)).toBe(true);
    const [cometaSingle, , cometaCluster, socketioCluster] = rows;
    expect(cometaSingle!.vsSingle).toBeUndefined();
    expect(cometaCluster!.primary).toBeCloseTo(3.9, 9);
    expect(cometaCluster!.vsSingle).toBeCloseTo(3.9 / 3.0, 9);
    expect(cometaCluster!.figures.redisCpuUsPerOp).toBeCloseTo(0.2, 9);
    expect(socketioCluster!.vsSingle).toBeCloseTo(4.9 / 3.5, 9);
    expect(cometaCluster!.vsSocketioUws).toBeCloseTo(3.9 / 4.9, 9);
  });

  it("checks Cometa's cross-instance goal (≤ 1.3× one instance) and no other goal", () => {
    expect(rows[2]!.goal).toEqual({ text: `≤ ${CLUSTER_GOAL_RATIO}× 1 instance`, met: true });
    expect(rows[0]!.goal).toBeUndefined();
    expect(rows[3]!.goal).toBeUndefined();
    const missed = summarize([raw("cometa", 1, cluster(2)), raw("cometa", 1, cluster(2.7, 2))]);
    expect(missed[1]!.goal?.met).toBe(false);
  });

  it("renders the cross-instance table with Redis CPU and the ratio, and labels the chart bars", () => {
    const lines = renderClusterText(rows).split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain("Redis µs/delivery");
    expect(lines[3]).toMatch(/Cometa\s+2 \+ Redis .*1\.30×\s+0\.200\s+2 %.*met/);
    expect(renderClusterMarkdown(rows).split("\n")[1]).toMatch(/^\|---\|/);
    const svg = renderSvgChart(rows, ["run one", "run two"]);
    expect(svg).toContain("Cometa, 2 + Redis");
    expect(svg).toContain("(1.30× 1 instance)");
    expect(svg).toContain("run two");
    // Cometa's two bars first, then Socket.IO's.
    const labels = [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);
    expect(labels).toEqual(["Cometa, 1 instance", "Cometa, 2 + Redis", "Socket.IO on uWS, 1 instance", "Socket.IO on uWS, 2 + Redis"]);
  });
});
