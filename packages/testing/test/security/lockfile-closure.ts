import { readFileSync } from "node:fs";
import { posix } from "node:path";

/**
 * Just enough of a pnpm v9 lockfile reader for the dependency-advisory check
 * (S15) to work offline: which package versions each importer pulls in at
 * run time (dependencies and optionalDependencies, transitively, never
 * devDependencies). It reads the two sections it needs line by line; pnpm
 * writes them in a fixed shape (two-space indents, one key per line).
 */

/** One installed package version, and the chain that brought it in. */
export interface Installed {
  readonly name: string;
  /** Plain version, without pnpm's peer suffix `(…)`. */
  readonly version: string;
  /** `importer > a@1 > b@2`: the first path found to it. */
  readonly via: string;
}

/** `name@version(peers)` → its runtime dependencies as snapshot keys. */
type Snapshots = Map<string, string[]>;

const unquote = (text: string) => text.replace(/^'|'$/g, "");

/** Snapshot key of a dependency: an alias resolves to its own key (`'@scope/pkg@1.0.0'`); links stay `link:`. */
function snapshotKey(name: string, version: string): string {
  if (version.startsWith("link:")) return version;
  // `1.2.3(peer@4.5.6)` is a plain version with peers; `@scope/pkg@1.2.3` (an `npm:` alias) names its package.
  return version.replace(/\(.*$/, "").includes("@") ? version : `${name}@${version}`;
}

/** Split `name@version(peers)` into name and plain version. */
export function splitKey(key: string): { name: string; version: string } {
  const bare = key.replace(/\(.*$/, "");
  const at = bare.lastIndexOf("@");
  return { name: bare.slice(0, at), version: bare.slice(at + 1) };
}

function readImporters(lines: readonly string[]): Map<string, string[]> {
  const importers = new Map<string, string[]>();
  let importer: string[] | null = null;
  let section = "";
  let dependency = "";
  for (const line of lines) {
    if (line === "packages:" || line === "snapshots:") break;
    const key = /^ {2}(\S.*):$/.exec(line);
    if (key) {
      importer = [];
      importers.set(unquote(key[1]!), importer);
    }
    const sectionMatch = /^ {4}(\w+):$/.exec(line);
    if (sectionMatch) section = sectionMatch[1]!;
    const dependencyMatch = /^ {6}(\S.*):$/.exec(line);
    if (dependencyMatch) dependency = unquote(dependencyMatch[1]!);
    const version = /^ {8}version: (.+)$/.exec(line);
    if (version && importer && (section === "dependencies" || section === "optionalDependencies")) {
      importer.push(snapshotKey(dependency, unquote(version[1]!)));
    }
  }
  return importers;
}

function readSnapshots(lines: readonly string[]): Snapshots {
  const snapshots: Snapshots = new Map();
  const start = lines.indexOf("snapshots:");
  let current: string[] | null = null;
  let section = "";
  for (const line of lines.slice(start + 1)) {
    const key = /^ {2}(\S.*?):( \{\})?$/.exec(line);
    if (key) {
      current = [];
      snapshots.set(unquote(key[1]!), current);
    }
    const sectionMatch = /^ {4}(\w+):$/.exec(line);
    if (sectionMatch) section = sectionMatch[1]!;
    const dependency = /^ {6}(\S+?): (.+)$/.exec(line);
    if (dependency && current && (section === "dependencies" || section === "optionalDependencies")) {
      current.push(snapshotKey(unquote(dependency[1]!), unquote(dependency[2]!)));
    }
  }
  return snapshots;
}

/**
 * Every package version the given importers (e.g. `packages/server`) need at
 * run time, from the lockfile at `path`.
 */
export function productionClosure(path: string, importers: readonly string[]): Installed[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const roots = readImporters(lines);
  const snapshots = readSnapshots(lines);
  const seen = new Map<string, Installed>();
  const queue: { key: string; via: string }[] = [];
  const visited = new Set<string>();
  const addImporter = (importer: string, via: string) => {
    if (visited.has(importer)) return;
    visited.add(importer);
    for (const key of roots.get(importer) ?? []) {
      // A workspace link (`link:../codec-msgpack`) brings in that importer's own runtime dependencies.
      if (key.startsWith("link:")) addImporter(posix.join(importer, key.slice("link:".length)), `${via} > ${key}`);
      else queue.push({ key, via });
    }
  };
  for (const importer of importers) addImporter(importer, importer);
  while (queue.length > 0) {
    const { key, via } = queue.shift()!;
    if (seen.has(key)) continue;
    const { name, version } = splitKey(key);
    const path = `${via} > ${name}@${version}`;
    seen.set(key, { name, version, via: path });
    for (const next of snapshots.get(key) ?? []) queue.push({ key: next, via: path });
  }
  return [...seen.values()];
}

/** Every `name@version` the lockfile installs, dev or not. */
export function allInstalled(path: string): { name: string; version: string }[] {
  const lines = readFileSync(path, "utf8").split("\n");
  return [...readSnapshots(lines).keys()].map(splitKey);
}

/** Compare dotted versions numerically (pre-release tags ignored): negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((part) => Number.parseInt(part, 10));
  const pb = b.split(/[.-]/).map((part) => Number.parseInt(part, 10));
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] || 0) - (pb[i] || 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
