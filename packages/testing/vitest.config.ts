import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source"] },
  // Vitest runs tests in Vite's SSR environment, which has its own conditions:
  // without "source" here, workspace packages resolve to their (unbuilt) dist/.
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
