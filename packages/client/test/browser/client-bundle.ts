import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, "../..");

/** URL path the page loads the client bundle from. */
export const CLIENT_BUNDLE_PATH = "/cometa.js";
/** URL path of the page agent, which imports the client bundle. */
export const AGENT_BUNDLE_PATH = "/agent.js";

/** The two scripts the test page loads, as JavaScript text. */
export interface BrowserBundles {
  /** `src/index.ts` bundled for browsers: ESM, every dependency inlined. */
  readonly client: string;
  /** `page-agent.ts`, importing the client from {@link CLIENT_BUNDLE_PATH}. */
  readonly agent: string;
}

let cached: Promise<BrowserBundles> | undefined;

/**
 * Bundle the client and the page agent in memory with esbuild, the way an
 * application bundler would (browser platform, ESM, ES2022), resolving
 * workspace packages to their TypeScript sources through the `source`
 * condition. Built once per test process.
 *
 * @example
 * ```ts
 * const { client, agent } = await bundleForBrowser();
 * ```
 */
export function bundleForBrowser(): Promise<BrowserBundles> {
  cached ??= Promise.all([bundleClient(), bundleAgent()]).then(([client, agent]) => ({ client, agent }));
  return cached;
}

async function bundleClient(): Promise<string> {
  return bundle({ entryPoints: [resolve(packageRoot, "src/index.ts")] });
}

async function bundleAgent(): Promise<string> {
  // The agent imports `../../src/index.js`; in the page that module is the separately served client bundle, so the
  // agent bundle stays small and the client runs exactly as built above.
  const clientAsUrl: Plugin = {
    name: "client-as-url",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /[\\/]src[\\/]index\.js$/ }, () => ({ path: CLIENT_BUNDLE_PATH, external: true }));
    },
  };
  return bundle({ entryPoints: [resolve(here, "page-agent.ts")], plugins: [clientAsUrl] });
}

async function bundle(options: { entryPoints: string[]; plugins?: Plugin[] }): Promise<string> {
  const result = await build({
    ...options,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["source"],
    write: false,
    logLevel: "silent",
    sourcemap: false,
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error("esbuild produced no output");
  return output.text;
}
