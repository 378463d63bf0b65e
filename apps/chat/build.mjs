// Builds the chat's page into dist/public/ (the server is compiled by `tsc -p tsconfig.build.json`):
// esbuild bundles src/web/main.ts and its CSS with @cometa/client into content-hashed files, index.html gets their
// names, and text files get a gzip copy that the server sends to browsers that accept it.
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const outdir = join(root, "dist/public");

/** Bundle the page and write dist/public. Returns the files written, relative to dist/public. */
export async function buildPage() {
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { app: join(root, "src/web/main.ts") },
    outdir,
    entryNames: "assets/[name]-[hash]",
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022", "chrome100", "firefox100", "safari15"],
    // Workspace packages resolve to their TypeScript sources: the page builds without their dist/.
    conditions: ["source"],
    minify: true,
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
  });
  const outputs = Object.entries(result.metafile.outputs);
  const script = outputs.find(([, output]) => output.entryPoint !== undefined && output.cssBundle !== undefined)
    ?? outputs.find(([path]) => path.endsWith(".js"));
  if (script === undefined) throw new Error("esbuild produced no script");
  const [scriptPath, { cssBundle }] = script;
  const url = (path) => `/${relative(outdir, join(root, path)).split("\\").join("/")}`;
  const template = await readFile(join(root, "src/web/index.html"), "utf8");
  const html = template.replace("%APP_JS%", url(scriptPath)).replace("%APP_CSS%", cssBundle ? url(cssBundle) : "");
  await writeFile(join(outdir, "index.html"), html);

  const written = [...outputs.map(([path]) => join(root, path)), join(outdir, "index.html")];
  for (const path of written) {
    if (!/\.(js|css|html|map)$/.test(path)) continue;
    const body = await readFile(path);
    if (body.length < 1024) continue;
    await writeFile(`${path}.gz`, gzipSync(body, { level: 9 }));
  }
  return written.map((path) => relative(outdir, path));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await buildPage();
  console.log(`chat page built into dist/public: ${files.join(", ")}`);
}
