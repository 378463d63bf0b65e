/**
 * A hand-written SVG bar chart: one panel per scenario, one horizontal bar per target showing the
 * primary figure (server CPU per operation, or KiB per idle connection; lower is better).
 */
import { target } from "../run/targets.js";
import type { TargetName } from "../run/targets.js";
import { formatNumber } from "./result-table.js";
import type { SummaryRow } from "./summary.js";

const WIDTH = 760;
const LABEL_WIDTH = 160;
const VALUE_WIDTH = 150;
const BAR_HEIGHT = 18;
const BAR_GAP = 6;
const PANEL_TITLE = 26;
const PANEL_GAP = 14;

const COLORS: Record<TargetName, string> = {
  "bare-uws": "#7f8c8d",
  cometa: "#e67e22",
  "socketio-uws": "#2e86c1",
  "socketio-ws": "#8e44ad",
};

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Renders the chart for `rows` (grouped by `key` in order); `subtitle` goes under the title. */
export function renderSvgChart(rows: readonly SummaryRow[], subtitle: string): string {
  const panels = new Map<string, SummaryRow[]>();
  for (const row of rows) panels.set(row.key, [...(panels.get(row.key) ?? []), row]);
  const parts: string[] = [];
  let y = 54;
  const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
  for (const [key, panel] of panels) {
    const unit = panel[0]!.unit;
    parts.push(
      `<text x="10" y="${y + 16}" class="panel">${escapeXml(key)} <tspan class="unit">(${escapeXml(unit)}, lower is better)</tspan></text>`,
    );
    y += PANEL_TITLE;
    const max = Math.max(...panel.map((row) => row.primary), 1e-9);
    for (const row of panel) {
      const width = Math.max(1, (row.primary / max) * barSpace);
      const ratio = row.vsBare === undefined ? "" : `  (${row.vsBare.toFixed(2)}× bare)`;
      parts.push(
        `<text x="${LABEL_WIDTH - 8}" y="${y + 13}" class="label" text-anchor="end">${escapeXml(target(row.target).label)}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" rx="2" fill="${COLORS[row.target]}"/>`,
        `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 13}" class="value">${escapeXml(formatNumber(row.primary) + ratio)}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += PANEL_GAP;
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif">`,
    "<style>.title{font-size:16px;font-weight:600}.sub{font-size:11px;fill:#555}.panel{font-size:13px;font-weight:600}.unit{font-weight:400;fill:#555}.label,.value{font-size:12px}</style>",
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="22" class="title">Server CPU per operation / memory per connection</text>`,
    `<text x="10" y="40" class="sub">${escapeXml(subtitle)}</text>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
