/**
 * The fault suite (issue 7, RELIABILITY.md §4(b)). A seq-stamped stream (~100 msg/s; 1 000 msg/s × 1 KB for F8)
 * runs through each fault; every case prints one `[fault]` line (outage, time to recover, received / lost / dup /
 * reordered, process alive, plus the row's own figures) and asserts the §3 promise. Servers run in child processes
 * (`src/faults/fault-node-main.ts`) so they can be SIGTERMed, killed, stalled or put in a network namespace. The
 * suites run one after another from this file, so no fault competes with another for the 2 cores.
 *
 * | Row | Fault | Where | Status |
 * |---|---|---|---|
 * | F1 | Redis restart mid-broadcast | `packages/redis/test/redis-faults.test.ts` | elsewhere |
 * | F2 | Sentinel failover (primary + replica + 3 `redis-server --sentinel`) | `sentinel-failover.suite.ts` | here |
 * | F3 | node↔Redis partition | `packages/redis/test/redis-faults.test.ts` (SIGSTOP variant) | elsewhere, partial |
 * | F4 | one of 2 nodes `kill -9` (+ cluster-wide purge) | `node-faults.suite.ts` | here |
 * | F5 | graceful shutdown (SIGTERM) | `node-faults.suite.ts` | here |
 * | F6 | client network drop, both ways, no RST (netns + nftables) | `network-drop.suite.ts` | here |
 * | F7 | half-open: server→client dropped (netns + nftables) | `network-drop.suite.ts` | here |
 * | F8 | slow consumer (raw WS that stops reading) | `slow-consumer.suite.ts` | here |
 * | F9 | reconnect storm (2 000 clients; `STORM_CLIENTS=10000`) | `reconnect-storm.suite.ts` | here |
 * | F10 | proxy blocks upgrades | `packages/client/test/engine/nginx.test.ts` | elsewhere |
 * | F11 | proxy idle timeout (nginx `proxy_read_timeout` vs heartbeat) | `proxy-idle-timeout.suite.ts` | here |
 * | F12 | lossy / slow link (netns: nft 5 % loss + tbf 256 kbit/s) and latency/jitter (userspace delay proxy) | `lossy-link.suite.ts` | here |
 * | F13 | Redis slow (`DEBUG SLEEP 2`, `CLIENT PAUSE 3000 WRITE`) | `redis-slow.suite.ts` | here |
 * | F14 | Redis rejects writes (`maxmemory 1mb` + `noeviction`, recovery on) | `redis-oom.suite.ts` | here |
 * | F15 | event-loop stall (busy loop 800 ms / 3 s) | `event-loop-stall.suite.ts`; SIGSTOP variant vs the reference server in `packages/client/test/faults/server-stall.test.ts` | here |
 * | F16 | polling without sticky sessions (nginx round-robin, with and without forwarding) | `no-sticky-sessions.suite.ts`; long soak in `packages/redis/test/forwarding/forwarding-soak.test.ts` | here |
 * | F17 | Redis unavailable at boot | `redis-at-boot.suite.ts` | here |
 *
 * Client-side faults against the reference server (server killed/restarted, silent drop through a userspace
 * blackhole, SIGSTOP stall) are in `packages/client/test/faults/`.
 *
 * Needs redis-server, nginx, iproute2 (`ip`, `tc`), nftables and root (`scripts/system-deps.sh`). A missing tool
 * fails the row that needs it, never skips it. Knobs for longer local runs: `STORM_CLIENTS`, `STORM_PROCS`, `F6_MS`,
 * `F7_MS`, `F8_MESSAGES`, `F11_IDLE_MS`, `F12_MS`, `F14_MS`, `F16_MS`.
 */
import { describe } from "vitest";
import { eventLoopStallSuite } from "./event-loop-stall.suite.js";
import { lossyLinkSuite } from "./lossy-link.suite.js";
import { networkDropSuite } from "./network-drop.suite.js";
import { noStickySessionsSuite } from "./no-sticky-sessions.suite.js";
import { nodeFaultsSuite } from "./node-faults.suite.js";
import { proxyIdleTimeoutSuite } from "./proxy-idle-timeout.suite.js";
import { reconnectStormSuite } from "./reconnect-storm.suite.js";
import { redisAtBootSuite } from "./redis-at-boot.suite.js";
import { redisOomSuite } from "./redis-oom.suite.js";
import { redisSlowSuite } from "./redis-slow.suite.js";
import { sentinelFailoverSuite } from "./sentinel-failover.suite.js";
import { slowConsumerSuite } from "./slow-consumer.suite.js";

describe.sequential("fault suite (RELIABILITY.md §4(b))", () => {
  nodeFaultsSuite();
  eventLoopStallSuite();
  slowConsumerSuite();
  redisAtBootSuite();
  redisSlowSuite();
  redisOomSuite();
  sentinelFailoverSuite();
  networkDropSuite();
  lossyLinkSuite();
  reconnectStormSuite();
  proxyIdleTimeoutSuite();
  noStickySessionsSuite();
});
