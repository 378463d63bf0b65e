import { expect } from "vitest";
import type { DisconnectReason } from "../../src/index.js";
import type { FaultReport } from "./fault-scenario.js";
import type { ServerProcess } from "./server-process.js";

/** Heartbeat values of every fault test: a dead link must be noticed within 600 ms. */
export const HEARTBEAT = { pingInterval: 300, pingTimeout: 300 } as const;

/** The client's liveness deadline (RELIABILITY.md §3.5): pingInterval + pingTimeout. */
export const DETECTION_DEADLINE_MS = HEARTBEAT.pingInterval + HEARTBEAT.pingTimeout;

/** Slack for timers, two busy cores and the test machinery: loose on purpose, these are not speed tests. */
export const MARGIN_MS = 1000;

/** Healed → reconnected: backoff ceiling (300 ms) + a handshake timeout (1 s) that may be running, + margin. */
export const RECOVERY_BOUND_MS = 300 + 1000 + MARGIN_MS;

/** What to expect of a fault. */
export interface FaultExpectations {
  readonly reasons: readonly DisconnectReason[];
  /** Fault → `disconnect`, at most (the lower end is not asserted: a late ping legitimately shortens it). */
  readonly maxDetectionMs: number;
}

/**
 * The common bar for every fault: noticed in time for the right reason,
 * reconnected soon after healing, the offline buffer delivered whole and in
 * order, loss only in the window between the fault and its detection (at-most-
 * once delivery), nothing duplicated or reordered in either direction, and
 * exactly one live session on the server afterwards (no ghost).
 */
export async function expectCleanRecovery(
  report: FaultReport,
  server: ServerProcess,
  expected: FaultExpectations,
): Promise<void> {
  expect(expected.reasons).toContain(report.disconnectReason);
  expect(report.detectionMs).toBeLessThanOrEqual(expected.maxDetectionMs);
  expect(report.recoveryMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS);

  expect(report.offlineSent).toBeGreaterThan(0);
  expect(report.offlineDelivered).toBe(report.offlineSent);
  expect(report.offlineInOrder).toBe(true);
  expect(report.lostOutsideWindow).toBe(0);
  expect(report.upstream.duplicated).toBe(0);
  expect(report.upstream.reordered).toBe(0);
  expect(report.downstream.duplicated).toBe(0);
  expect(report.downstream.reordered).toBe(0);

  const id = report.socket.id;
  expect(report.socket.connected).toBe(true);
  await server.until(() => server.live.size === 1 && id !== undefined && server.live.has(id));
}
