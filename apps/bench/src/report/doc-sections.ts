/**
 * What `docs/benchmarks.md` shows: the single-server table and the cross-instance table, each from
 * the run that last measured it. A run that measures only one of them (say `--scenarios
 * cluster-fanout`) replaces that section and keeps the other from the previous `latest.json`, so a
 * partial run never wipes the figures it did not measure.
 */
import { readFileSync } from "node:fs";
import { metaLine, type RunMeta } from "./run-meta.js";
import { isClusterRow, type SummaryRow } from "./summary.js";

/** Rows of one run with the description of that run. */
export interface RowSet {
  meta: RunMeta;
  rows: SummaryRow[];
}

/** The two sections of the docs; either may be missing (never measured yet). */
export interface DocSections {
  /** Single-server scenarios: fan-out, idle, rpc, connect. */
  main?: RowSet;
  /** `cluster-fanout`: two instances on one Redis next to one instance. */
  cluster?: RowSet;
}

/** Splits one run's rows into sections; a section without rows is left out. */
export function sectionsOf(meta: RunMeta, rows: readonly SummaryRow[]): DocSections {
  const sections: DocSections = {};
  const main = rows.filter((row) => !isClusterRow(row));
  const cluster = rows.filter(isClusterRow);
  if (main.length > 0) sections.main = { meta, rows: main };
  if (cluster.length > 0) sections.cluster = { meta, rows: cluster };
  return sections;
}

/** `current`'s sections, completed by `previous`'s for what `current` did not measure. */
export function mergeSections(previous: DocSections, current: DocSections): DocSections {
  const merged: DocSections = {};
  const main = current.main ?? previous.main;
  const cluster = current.cluster ?? previous.cluster;
  if (main) merged.main = main;
  if (cluster) merged.cluster = cluster;
  return merged;
}

/** Rows written before `instances` existed were all single-instance. */
function normalize(set: RowSet): RowSet {
  return { meta: set.meta, rows: set.rows.map((row) => ({ ...row, instances: row.instances ?? 1 })) };
}

/**
 * The sections stored in a previous results file (`sections`, or the `meta` + `rows` of a file
 * written before sections existed); none when the file is missing or unreadable.
 */
export function readSections(path: string): DocSections {
  let stored: { meta?: RunMeta; rows?: SummaryRow[]; sections?: DocSections };
  try {
    stored = JSON.parse(readFileSync(path, "utf8")) as typeof stored;
  } catch {
    return {};
  }
  if (stored.sections !== undefined) {
    const sections: DocSections = {};
    if (stored.sections.main) sections.main = normalize(stored.sections.main);
    if (stored.sections.cluster) sections.cluster = normalize(stored.sections.cluster);
    return sections;
  }
  if (stored.meta === undefined || !Array.isArray(stored.rows)) return {};
  const { main, cluster } = sectionsOf(stored.meta, stored.rows);
  const sections: DocSections = {};
  if (main) sections.main = normalize(main);
  if (cluster) sections.cluster = normalize(cluster);
  return sections;
}

/** Chart subtitles: one line per section's run, or one plain line when both come from the same run. */
export function sectionSubtitles(sections: DocSections): string[] {
  const { main, cluster } = sections;
  if (main && cluster && main.meta.date !== cluster.meta.date) {
    return [`single-server: ${metaLine(main.meta)}`, `cross-instance: ${metaLine(cluster.meta)}`];
  }
  const meta = main?.meta ?? cluster?.meta;
  return meta === undefined ? [] : [metaLine(meta)];
}

/** The rows the chart shows: the single-server panels, then the cross-instance ones. */
export function sectionRows(sections: DocSections): SummaryRow[] {
  return [...(sections.main?.rows ?? []), ...(sections.cluster?.rows ?? [])];
}
