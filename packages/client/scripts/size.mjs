#!/usr/bin/env node
/**
 * Bundle budget: bundles each client entry the way an app bundler would
 * (esbuild, ESM, browser platform, minified, tree-shaken) and reports the
 * minified and gzip-9 sizes next to socket.io-client 4.8 bundled the same way.
 *
 *   pnpm --filter @cometa/client size
 *
 * `measure()` is also used by test/bundle-size.test.ts to enforce the budgets.
 */
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Budgets in bytes, min+gzip (the targets). */
export const BUDGETS = { "@cometa/client": 11 * 1024, "@cometa/client/json": 7 * 1024 };

/**
 * The reference each entry is compared with: an entry must never be more than
 * 10 % larger than socket.io-client bundled the same way (a regression guard
 * that holds while the budgets above are not met yet).
 */
export const REFERENCES = {
  "@cometa/client": "socket.io-client 4.8.4 + msgpack-parser",
  "@cometa/client/json": "socket.io-client 4.8.4",
};

/** What is measured: our entries and the reference. */
const TARGETS = [
  { name: "@cometa/client", entry: "src/index.ts", exports: "connect" },
  { name: "@cometa/client/json", entry: "src/json.ts", exports: "connect" },
  { name: "socket.io-client 4.8.4", contents: `export { io } from "socket.io-client";` },
  {
    name: "socket.io-client 4.8.4 + msgpack-parser",
    contents: `export { io } from "socket.io-client"; export { default as parser } from "socket.io-msgpack-parser";`,
  },
];

async function bundle(target) {
  // Import the entry through a stub that uses only `connect`, as an app would.
  const contents = target.contents ?? `export { ${target.exports} } from "./${target.entry}";`;
  const result = await build({
    stdin: { contents, resolveDir: root, loader: "ts", sourcefile: "size-entry.ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    // Resolve workspace packages to their TypeScript sources, as the tests do.
    conditions: ["source"],
    write: false,
    logLevel: "silent",
    legalComments: "none",
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/** Measure every target; rows carry the budget where there is one. */
export async function measure() {
  const rows = [];
  for (const target of TARGETS) {
    const size = await bundle(target);
    rows.push({ name: target.name, ...size, budget: BUDGETS[target.name] });
  }
  return rows;
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(2)} KB`;
}

async function main() {
  const rows = await measure();
  const header = ["bundle", "min", "min+gzip", "budget", ""];
  const lines = rows.map((r) => [
    r.name,
    kb(r.minified),
    kb(r.gzip),
    r.budget === undefined ? "" : kb(r.budget),
    r.budget === undefined ? "" : r.gzip <= r.budget ? "ok" : "OVER",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(format(header));
  for (const line of lines) console.log(format(line));
  if (rows.some((r) => r.budget !== undefined && r.gzip > r.budget)) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
