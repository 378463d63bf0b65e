/**
 * @cometa/testing — Cometa's private test support.
 *
 * The mutation fuzzer lives here: a seed corpus of valid Engine.IO /
 * Socket.IO / MessagePack traffic, a deterministic mutator, raw WebSocket and
 * polling executors, and a runner that drives a server in a child process
 * and reports executions, crashes, hangs and RSS growth.
 *
 * ```ts
 * import { formatReport, runFuzz } from "@cometa/testing";
 * const report = await runFuzz({ budgetMs: 60_000 });
 * console.log(formatReport(report)); // crashes and hangs must be 0
 * ```
 *
 * `pnpm --filter @cometa/testing fuzz` runs it for 10 minutes
 * (`FUZZ_BUDGET_MS`, `FUZZ_SEED` and `FUZZ_CONCURRENCY` override).
 *
 * The real peers every test suite drives live in `src/peers/`, once: nginx
 * (`startNginx`: one upstream or plain round-robin, upgrades forwarded or
 * not), headless Chromium (`launchChromium`) and servers in child processes
 * (`ChildServer`: kill, SIGTERM, freeze, restart on the same port). Other
 * packages' tests import them by relative path (`../../../testing/src/peers/…`).
 */

export { Canary } from "./fuzz/canary.js";
export { type ExecContext, execute, pollingHandshake } from "./fuzz/execute.js";
export { mutateFraming } from "./fuzz/frame-mutations.js";
export { budgetFromEnv, CI_BUDGET_MS, MAX_RSS_GROWTH_BYTES, seedFromEnv, violations } from "./fuzz/fuzz-limits.js";
export { type FuzzReport, formatOutcomes, formatReport } from "./fuzz/fuzz-report.js";
export { type FuzzOptions, runFuzz } from "./fuzz/fuzz-run.js";
export { HttpClient, type HttpResult } from "./fuzz/http-client.js";
export { concat, corruptMsgpackLength, corruptTextNumber } from "./fuzz/length-fields.js";
export { type Flavour, flipBits, mutate, splice } from "./fuzz/mutator.js";
export { Corpus, type ExecPlan, type FuzzPhase, type HttpPlan, type PollingPlan, type Strategy, type WsPlan } from "./fuzz/plans.js";
export { Prng } from "./fuzz/prng.js";
export { type CrashFile, type ReplayResult, replayCrash } from "./fuzz/replay.js";
export { HANDSHAKE_QUERIES, type PollingSeed, pollingSeeds, rawHttpSeeds, type SeedFlavour, upgradeRequest, type WsSeed, wsSeeds } from "./fuzz/seeds.js";
export { FuzzServerProcess, type ExitInfo } from "./fuzz/server-process.js";
export type { ProbeReply, ServerCommand, ServerConfig } from "./fuzz/server-protocol.js";
export { closePayload, encodeClientFrames, Opcode, ServerFrameReader, type WsMessage } from "./fuzz/ws-frames.js";
export { ChildServer, type ChildExit, type ChildServerOptions } from "./peers/child-server.js";
export { browserTestsRun, CHROMIUM_FLAGS, CHROMIUM_PATH, type ChromiumAvailability, chromiumAvailability, launchChromium } from "./peers/chromium.js";
export { type AccessRecord, hasNginx, NGINX_PATH, type NginxOptions, type NginxProxy, startNginx } from "./peers/nginx.js";
