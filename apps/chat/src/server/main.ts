/**
 * The chat demo's entry point: `node dist/server/main.js` (what `pnpm chat`
 * runs after building).
 *
 * - `PORT` (default 3000), `HOST` (default: every interface);
 * - `REDIS_URL`: run several instances that share rooms and connection state
 *   recovery through Redis.
 *
 * Exits with status 1 and one readable line on bad settings or a taken port;
 * SIGINT/SIGTERM disconnect everyone cleanly and exit with status 0.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createAdapter } from "./adapter.js";
import { type ChatApp, startChatApp } from "./chat-app.js";
import { readChatConfig } from "./chat-config.js";

const publicDir = fileURLToPath(new URL("../public/", import.meta.url));

async function main(): Promise<void> {
  const config = readChatConfig(process.env);
  if (!existsSync(publicDir)) throw new Error(`the page is not built (${publicDir} is missing): run "pnpm build" first`);
  const adapter = await createAdapter(config.redisUrl);
  const chat = await startChatApp({
    port: config.port,
    publicDir,
    ...(config.host ? { host: config.host } : {}),
    ...(adapter ? { adapter: adapter.factory, recoveryStores: adapter.recoveryStores } : {}),
  });
  const shown = config.host === undefined || config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const mode = adapter ? `rooms shared through Redis at ${adapter.description}` : "single instance, in-memory rooms";
  console.log(`Cometa chat listening on http://${shown}:${chat.port}  (${mode}; Ctrl+C to stop)`);
  handleSignals(chat, adapter?.close);
}

function handleSignals(chat: ChatApp, closeAdapter: (() => Promise<void>) | undefined): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl+C: the user does not want to wait.
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: closing connections…`);
    chat
      .close()
      .then(() => closeAdapter?.())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error("Error while shutting down:", error);
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`Cometa chat could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
