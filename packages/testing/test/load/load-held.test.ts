/**
 * Load held (RELIABILITY.md §4(a), issue 7): rows L1, L2, L4, L5, L6 and L8.
 *
 * The rows live in their own modules and are registered here so they run one
 * after another in one worker: load rows in parallel would measure each other
 * on a two-core machine. The short CI forms take about 20 s of load each;
 * `pnpm --filter @cometa/testing soak` runs the long forms (`LOAD_PROFILE=soak`,
 * every size overridable with `LOAD_<ROW>_<KNOB>`, a single row with `-t L2`).
 * Each row prints one figure line.
 */
import { l1IdleRow } from "./l1-idle.js";
import { l2RoomFanOutRow } from "./l2-room-fanout.js";
import { l4AcksRow } from "./l4-acks.js";
import { l5MultiNodeRow } from "./l5-multi-node.js";
import { l6PollingRow } from "./l6-polling.js";
import { l8ChurnRow } from "./l8-churn.js";

l1IdleRow();
l2RoomFanOutRow();
l4AcksRow();
l5MultiNodeRow();
l6PollingRow();
l8ChurnRow();
