import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source"] },
  // Vitest runs tests in Vite's SSR environment, which has its own conditions:
  // without "source" here, workspace packages resolve to their (unbuilt) dist/.
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Builds the app once (server + page), for the tests that run it as a child process.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The in-process tests use @cometa/client on Node, whose global WebSocket needs this flag on Node 20.
    execArgv: ["--experimental-websocket"],
  },
});
