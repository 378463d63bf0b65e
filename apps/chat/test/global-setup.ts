import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

const appRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

declare module "vitest" {
  export interface ProvidedContext {
    /** Why building the chat failed, or undefined when `dist/` is fresh (see `assertBuilt`). */
    chatBuildError: string | undefined;
  }
}

/**
 * Build the chat (server with tsc, page with esbuild) once before the tests:
 * the process and browser tests run `dist/server/main.js` as users do, and
 * turbo's `test` task only builds the workspace dependencies (`^build`), not
 * this package. A failed build fails those tests (through `assertBuilt`)
 * without keeping the in-process tests from running.
 */
export default function setup(project: TestProject): void {
  project.provide("chatBuildError", build());
}

function build(): string | undefined {
  const require = createRequire(import.meta.url);
  try {
    // The built server loads the workspace packages from their dist/.
    require.resolve("@cometa/server");
  } catch {
    return "@cometa/server is not built: run `npx turbo run build --filter=@cometa/chat^...` first";
  }
  return run([require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"]) ?? run(["build.mjs"]);
}

function run(args: string[]): string | undefined {
  try {
    execFileSync(process.execPath, args, { cwd: appRoot, stdio: "pipe", encoding: "utf8" });
    return undefined;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    return `building the chat failed (node ${args.join(" ")}):\n${stdout ?? ""}${stderr ?? ""}`.slice(0, 4000);
  }
}
