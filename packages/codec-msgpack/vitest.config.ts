import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source"] },
  // Vitest runs tests in Vite's SSR environment, which has its own conditions:
  // without "source" here, workspace packages resolve to their (unbuilt) dist/.
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The hostile-input specs measure heap growth around decodes; --expose-gc makes that exact.
    execArgv: ["--expose-gc"],
  },
});
