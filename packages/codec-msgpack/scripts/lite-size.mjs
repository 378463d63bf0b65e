#!/usr/bin/env node
/**
 * Size of the browser codecs of `@cometa/codec-msgpack/lite`, each bundled
 * the way an app bundler would bundle an import of it alone (esbuild, ESM,
 * browser platform, minified, tree-shaken), gzipped at level 9:
 * `liteMsgpackCodec` (validating, for any peer) and `liteMsgpackClientCodec`
 * (what `@cometa/client` ships). "own" leaves `@cometa/protocol` out (the
 * client bundles it anyway); "with protocol" counts the parts of it the
 * codec pulls in.
 *
 *   pnpm --filter @cometa/codec-msgpack size
 *
 * `measureLite()` is also used by test/lite-size.test.ts to enforce the budget.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Budget of each codec's own code, min+gzip, in bytes (2.5 KB). */
export const LITE_BUDGET = 2.5 * 1024;

/** The exports measured, one bundle each. */
export const LITE_EXPORTS = ["liteMsgpackCodec", "liteMsgpackClientCodec"];

/** Minified and gzip-9 sizes of each lite codec, without (`own`) and with `@cometa/protocol`. */
export async function measureLite() {
  const sizes = {};
  for (const name of LITE_EXPORTS) {
    sizes[name] = {};
    for (const [part, external] of [
      ["own", ["@cometa/protocol"]],
      ["with protocol", []],
    ]) {
      const result = await build({
        stdin: { contents: `export { ${name} } from "./src/lite/index.ts";`, resolveDir: root, loader: "ts", sourcefile: "size-entry.ts" },
        bundle: true,
        minify: true,
        format: "esm",
        platform: "browser",
        target: "es2022",
        // Resolve workspace packages to their TypeScript sources, as the tests do.
        conditions: ["source"],
        external,
        write: false,
        logLevel: "silent",
        legalComments: "none",
      });
      const code = result.outputFiles[0].contents;
      sizes[name][part] = { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
    }
  }
  return sizes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await measureLite();
  for (const [name, parts] of Object.entries(sizes)) {
    for (const [part, { minified, gzip }] of Object.entries(parts)) {
      console.log(`${`${name}, ${part}`.padEnd(38)} ${String(minified).padStart(6)} B min  ${String(gzip).padStart(5)} B min+gzip`);
    }
  }
  console.log(`budget (own code)${" ".repeat(38)}${String(LITE_BUDGET).padStart(5)} B min+gzip`);
}
