/**
 * A hand-written SVG bar chart: one panel per scenario, one horizontal bar per target showing the
 * primary figure (server CPU per operation, or KiB per idle connection; lower is better). In the
 * cross-instance panels each Redis-capable target has two bars: one instance (pale) and two
 * instances sharing a Redis, labelled with their ratio to the single instance.
 */
import { TARGET_NAMES, type TargetName, target } from "../run/targets.js";
import { formatNumber } from "./result-table.js";
import { isClusterRow, type SummaryRow } from "./summary.js";

const WIDTH = 800;
const LABEL_WIDTH = 210;
const VALUE_WIDTH = 150;
const BAR_HEIGHT = 18;
const BAR_GAP = 6;
const PANEL_TITLE = 26;
const PANEL_GAP = 14;
const SUBTITLE_LINE = 14;

const COLORS: Record<TargetName, string> = {
  "bare-uws": "#7f8c8d",
  cometa: "#e67e22",
  "socketio-uws": "#2e86c1",
  "socketio-ws": "#8e44ad",
};

function barLabel(row: SummaryRow): string {
  const label = target(row.target).label;
  if (!isClusterRow(row)) return label;
  return row.instances > 1 ? `${label}, ${row.instances} + Redis` : `${label}, 1 instance`;
}

function ratioText(row: SummaryRow): string {
  if (isClusterRow(row)) return row.vsSingle === undefined ? "" : `  (${row.vsSingle.toFixed(2)}× 1 instance)`;
  return row.vsBare === undefined ? "" : `  (${row.vsBare.toFixed(2)}× bare)`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A cross-instance panel shows each target's 1-instance bar right above its 2-instance bar. */
function panelOrder(a: SummaryRow, b: SummaryRow): number {
  if (!isClusterRow(a)) return 0;
  return TARGET_NAMES.indexOf(a.target) - TARGET_NAMES.indexOf(b.target) || a.instances - b.instances;
}

/**
 * Renders the chart for `rows` (grouped by `key` in order); `subtitle` goes under the title (one
 * line each when the rows come from several runs).
 */
export function renderSvgChart(rows: readonly SummaryRow[], subtitle: string | readonly string[]): string {
  const subtitles = typeof subtitle === "string" ? [subtitle] : subtitle;
  const panels = new Map<string, SummaryRow[]>();
  for (const row of rows) panels.set(row.key, [...(panels.get(row.key) ?? []), row]);
  const parts: string[] = [];
  let y = 40 + SUBTITLE_LINE * subtitles.length;
  const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
  for (const [key, unordered] of panels) {
    const panel = [...unordered].sort(panelOrder);
    const unit = panel[0]!.unit;
    parts.push(
      `<text x="10" y="${y + 16}" class="panel">${escapeXml(key)} <tspan class="unit">(${escapeXml(unit)}, lower is better)</tspan></text>`,
    );
    y += PANEL_TITLE;
    const max = Math.max(...panel.map((row) => row.primary), 1e-9);
    for (const row of panel) {
      const width = Math.max(1, (row.primary / max) * barSpace);
      const pale = isClusterRow(row) && row.instances === 1 ? ' fill-opacity="0.5"' : "";
      parts.push(
        `<text x="${LABEL_WIDTH - 8}" y="${y + 13}" class="label" text-anchor="end">${escapeXml(barLabel(row))}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" rx="2" fill="${COLORS[row.target]}"${pale}/>`,
        `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 13}" class="value">${escapeXml(formatNumber(row.primary) + ratioText(row))}</text>`,
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
    ...subtitles.map((line, i) => `<text x="10" y="${40 + SUBTITLE_LINE * i}" class="sub">${escapeXml(line)}</text>`),
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}
