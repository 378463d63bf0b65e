#!/usr/bin/env node
/**
 * Extract every TypeScript code block of `docs/**\/*.md` into
 * `docs/.samples/<file>-<n>.ts`, so that `tsc -p docs/tsconfig.json` checks
 * the samples against the workspace packages and they cannot rot.
 *
 * - A block counts when its info string starts with `ts` or `typescript`.
 * - ```` ```ts no-check ```` excludes a block (use sparingly: a fragment should
 *   rather declare what it needs with `declare const …` lines).
 * - ```` ```ts file=events.ts ```` names a block, so that the other samples of
 *   the same page can `import … from "./events.js"` as the reader would
 *   (written as `<file>-events.ts`; the import is rewritten on the same line,
 *   so line numbers stay exact).
 * - Each sample becomes its own module (`export {}` is appended), so samples
 *   never see each other's declarations; top-level `await` works.
 * - `.samples/manifest.json` maps every file back to its Markdown line, for
 *   `check-samples.mjs` to report errors where the reader sees them.
 *
 * Usage: `node scripts/extract-samples.mjs` (prints what it wrote).
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The `docs/` folder (this script lives in `docs/scripts/`). */
export const DOCS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Where the samples are written (gitignored). */
export const SAMPLES_DIR = join(DOCS_DIR, ".samples");

const CHECKED_LANGUAGES = new Set(["ts", "typescript"]);
const SKIPPED_DIRS = new Set(["node_modules", ".samples", "scripts"]);
/** Lines written before the sample's own code (the provenance comment). */
export const HEADER_LINES = 1;

/**
 * Every Markdown file under `dir`, as paths relative to `DOCS_DIR`, sorted
 * (so sample numbering is stable).
 */
async function markdownFiles(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) found.push(...(await markdownFiles(join(dir, entry.name))));
    } else if (entry.name.endsWith(".md")) {
      found.push(relative(DOCS_DIR, join(dir, entry.name)));
    }
  }
  return found.sort();
}

/**
 * The fenced code blocks of one Markdown text: `{ lang, attrs, line, code }`,
 * where `line` is the 1-based line of the block's first code line. Fences may
 * be indented (inside list items); that indentation is removed from the code.
 * Throws on a fence that is never closed (the Markdown is broken).
 */
export function parseBlocks(markdown, file) {
  const lines = markdown.split(/\r?\n/);
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang, attrs] = open;
    // 1-based number of the first code line (the one after the opening fence).
    const line = i + 2;
    const body = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      const text = lines[i];
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(text);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) {
        closed = true;
        break;
      }
      // Strip the fence's indentation only (code may be indented further).
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
    }
    if (!closed) throw new Error(`${file}: code fence opened and never closed`);
    blocks.push({ lang: lang.toLowerCase(), attrs: attrs.trim(), line, code: body.join("\n") });
  }
  return blocks;
}

/** Whether a block is TypeScript to check. */
export function isChecked(block) {
  return CHECKED_LANGUAGES.has(block.lang) && !/(^|\s)no-check(\s|$)/.test(block.attrs);
}

/** The file name of the n-th checked sample (1-based) of a Markdown file, or of its block named `file=<name>`. */
export function sampleName(mdFile, n) {
  return `${mdFile.replace(/\.md$/, "").split(sep).join("-")}-${n}.ts`;
}

/** The `file=<name>.ts` attribute of a block, without its extension, or undefined. */
function fileAttribute(block) {
  const match = /(?:^|\s)file=([\w.-]+)\.ts(?:\s|$)/.exec(block.attrs);
  return match?.[1];
}

/** Point `./<name>.js` imports of a page's samples at that page's named blocks. */
function linkNamedBlocks(code, mdFile, names) {
  if (names.size === 0) return code;
  return code.replace(/(from\s+|import\s*\(\s*)(["'])\.\/([\w.-]+)\.js\2/g, (all, head, quote, name) =>
    names.has(name) ? `${head}${quote}./${sampleName(mdFile, name).replace(/\.ts$/, ".js")}${quote}` : all,
  );
}

/**
 * Write every checked sample to `SAMPLES_DIR` (emptied first, so a deleted
 * block leaves no stale file) and return the manifest
 * `{ [sampleFile]: { md, line } }` plus the count of `no-check` blocks.
 */
export async function extractSamples() {
  await rm(SAMPLES_DIR, { recursive: true, force: true });
  await mkdir(SAMPLES_DIR, { recursive: true });
  const manifest = {};
  let skipped = 0;
  for (const md of await markdownFiles(DOCS_DIR)) {
    const blocks = parseBlocks(await readFile(join(DOCS_DIR, md), "utf8"), md).filter((b) => CHECKED_LANGUAGES.has(b.lang));
    const names = new Set(blocks.filter(isChecked).map(fileAttribute).filter((name) => name !== undefined));
    let n = 0;
    for (const block of blocks) {
      if (!isChecked(block)) {
        skipped++;
        continue;
      }
      const name = sampleName(md, fileAttribute(block) ?? ++n);
      const code = linkNamedBlocks(block.code, md, names);
      const source = `// docs/${md.split(sep).join("/")}:${block.line}\n${code}\n\nexport {};\n`;
      await writeFile(join(SAMPLES_DIR, name), source);
      manifest[name] = { md: md.split(sep).join("/"), line: block.line };
    }
  }
  await writeFile(join(SAMPLES_DIR, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, skipped };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { manifest, skipped } = await extractSamples();
  const files = new Set(Object.values(manifest).map((entry) => entry.md));
  console.log(
    `extracted ${Object.keys(manifest).length} TypeScript samples from ${files.size} files into docs/.samples/` +
      (skipped > 0 ? ` (${skipped} marked no-check)` : ""),
  );
}
