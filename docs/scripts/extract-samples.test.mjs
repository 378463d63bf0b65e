/**
 * Tests of the sample extractor's Markdown parsing (`node --test scripts/`).
 * The end-to-end property, "a wrong sample fails `typecheck`", is what
 * `check-samples.mjs` itself enforces on every run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isChecked, parseBlocks, sampleName } from "./extract-samples.mjs";

const page = [
  "# Title", // 1
  "", // 2
  "```ts", // 3
  "const a = 1;", // 4
  "```", // 5
  "- a list item:", // 6
  "  ```ts no-check", // 7
  "  const b: number = 'x';", // 8
  "    indented();", // 9
  "  ```", // 10
  "```sh", // 11
  "echo hi", // 12
  "```", // 13
  "````ts file=events.ts", // 14
  "```", // 15: shorter than the opening fence, so part of the code
  "````", // 16
].join("\n");

test("finds every fenced block with its language, attributes and first code line", () => {
  const blocks = parseBlocks(page, "page.md");
  assert.deepEqual(
    blocks.map(({ lang, attrs, line }) => [lang, attrs, line]),
    [
      ["ts", "", 4],
      ["ts", "no-check", 8],
      ["sh", "", 12],
      ["ts", "file=events.ts", 15],
    ],
  );
});

test("removes the fence's indentation only", () => {
  const [, listed] = parseBlocks(page, "page.md");
  assert.equal(listed.code, "const b: number = 'x';\n  indented();");
});

test("a longer fence keeps shorter fences as code", () => {
  const named = parseBlocks(page, "page.md")[3];
  assert.equal(named.code, "```");
});

test("only ts blocks without no-check are checked", () => {
  assert.deepEqual(parseBlocks(page, "page.md").map(isChecked), [true, false, false, true]);
});

test("an unclosed fence is an error naming the file", () => {
  assert.throws(() => parseBlocks("```ts\nconst a = 1;\n", "broken.md"), /broken\.md: code fence opened and never closed/);
});

test("sample names follow the page's path", () => {
  assert.equal(sampleName("guides/getting-started.md", 2), "guides-getting-started-2.ts");
  assert.equal(sampleName("README.md", "events"), "README-events.ts");
});
