#!/usr/bin/env node
/**
 * The docs' `typecheck` task: extract the samples (`extract-samples.mjs`),
 * run `tsc -p docs/tsconfig.json --noEmit`, and report each error at the
 * Markdown line the reader sees (`guides/getting-started.md:14:7`) as well as
 * in the extracted file. Exits with tsc's status, so a wrong sample fails
 * `pnpm typecheck`.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { DOCS_DIR, extractSamples, HEADER_LINES } from "./extract-samples.mjs";

const { manifest, skipped } = await extractSamples();
const count = Object.keys(manifest).length;
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", join(DOCS_DIR, "tsconfig.json"), "--noEmit", "--pretty", "false"], {
  cwd: DOCS_DIR,
  encoding: "utf8",
});
if (result.error) throw result.error;

// tsc prints `path(line,col): error TSxxxx: message`; samples get their Markdown position prepended.
const located = /^(?:\.\/)?\.samples\/([^(]+)\((\d+),(\d+)\)(.*)$/;
const output = `${result.stdout}${result.stderr}`
  .split("\n")
  .map((line) => {
    const match = located.exec(line);
    const entry = match && manifest[match[1]];
    if (!match || !entry) return line;
    const mdLine = entry.line + Number(match[2]) - 1 - HEADER_LINES;
    return `docs/${entry.md}:${mdLine}:${match[3]}${match[4]}  [.samples/${match[1]}]`;
  })
  .join("\n")
  .trim();

if (output !== "") console.log(output); // stdout, like tsc itself
const status = result.status ?? 1;
const noCheck = skipped > 0 ? `, ${skipped} marked no-check` : "";
console.log(status === 0 ? `docs: ${count} TypeScript samples typecheck${noCheck}` : `docs: samples fail to typecheck (${count} checked${noCheck})`);
process.exit(status);
