/**
 * The lite codec ships to browsers: its sources may import only
 * `@cometa/protocol` and each other, and must not touch Node globals.
 * (Its minified + gzipped size is measured in docs/benchmarks/codecs.md.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const dir = new URL("../src/lite/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
/** The code of a file without its comments (JSDoc examples import the package by name). */
const code = (file: string) =>
  readFileSync(new URL(file, dir), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "");

describe("lite codec purity", () => {
  it("has sources to check", () => {
    expect(files).toContain("value-reader.ts");
  });

  it.each(files)("%s imports only @cometa/protocol and sibling files", (file) => {
    const specifiers = [...code(file).matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]!);
    for (const specifier of specifiers) expect(specifier).toMatch(/^(@cometa\/protocol|\.\/[a-z-]+\.js)$/);
  });

  it.each(files)("%s uses no Node globals", (file) => {
    expect(code(file)).not.toMatch(/\b(Buffer|process|require|global|__dirname)\b/);
  });
});
