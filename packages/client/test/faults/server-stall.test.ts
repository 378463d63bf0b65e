import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { connect, type Socket } from "../../src/index.js";
import { DETECTION_DEADLINE_MS, expectCleanRecovery, HEARTBEAT, MARGIN_MS } from "./fault-expectations.js";
import { flush, formatReport, runFaultScenario } from "./fault-scenario.js";
import { SeqSender, SeqTally } from "./seq-stream.js";
import { ServerProcess } from "./server-process.js";

/**
 * Fault (c), RELIABILITY.md F15: the server process freezes (SIGSTOP) for
 * longer than pingInterval + pingTimeout, then runs again (SIGCONT). The
 * kernel keeps accepting and buffering for the frozen process, so nothing
 * fails at the TCP level: the client must notice by the missing pings,
 * reconnect after the thaw, and the server must end up with exactly one
 * session for it (the stale one expires, no duplicate).
 */

let server: ServerProcess | undefined;
let socket: Socket | undefined;

afterEach(async () => {
  socket?.io.close();
  socket = undefined;
  await server?.dispose();
  server = undefined;
});

describe.each([
  { transport: "websocket" as const },
  { transport: "polling" as const },
])("server stalled past the ping timeout ($transport)", ({ transport }) => {
  it("notices the silence, reconnects after the stall, and leaves one session on the server", async () => {
    const current = new ServerProcess(HEARTBEAT);
    server = current;
    await current.start();
    const report = await runFaultScenario({
      name: `SIGSTOP past the deadline, SIGCONT (${transport})`,
      server: current,
      origin: current.origin,
      transports: [transport],
      inject: () => current.stop(),
      heal: () => current.resume(),
      outageMs: 1000,
    });
    socket = report.socket;
    console.log(formatReport(report));
    await expectCleanRecovery(report, current, {
      reasons: ["ping timeout"],
      maxDetectionMs: DETECTION_DEADLINE_MS + MARGIN_MS,
    });
  });
});

describe("server stalled for less than pingTimeout", () => {
  it("goes unnoticed: no disconnect, nothing lost, duplicated or reordered", async () => {
    const current = new ServerProcess(HEARTBEAT);
    server = current;
    await current.start();
    const upstream = new SeqTally();
    current.onFact((fact) => {
      if (fact.type === "seq") upstream.record(fact.n);
    });
    const client = connect(current.origin, { forceNew: true, transports: ["websocket"] });
    socket = client;
    const disconnects: string[] = [];
    client.on("disconnect", (reason) => disconnects.push(reason));
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    const sender = new SeqSender(client);
    sender.start();
    await current.until(() => upstream.arrivals.length >= 20);

    current.stop();
    // The stall itself (a fault duration, not a synchronisation): well under pingTimeout (300 ms).
    await delay(HEARTBEAT.pingTimeout / 2);
    current.resume();
    // Stream on through two more ping cycles.
    const target = sender.sent.length + 60;
    await current.until(() => upstream.arrivals.some((n) => n >= target));
    sender.stop();
    await flush(client, current);

    const counts = upstream.counts(sender.sent.map((s) => s.n));
    console.log(
      `[fault] SIGSTOP ${HEARTBEAT.pingTimeout / 2} ms (websocket): disconnects ${disconnects.length}, ` +
        `sent ${sender.sent.length} lost ${counts.lost} dup ${counts.duplicated} reordered ${counts.reordered}`,
    );
    expect(disconnects).toEqual([]);
    expect(counts).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
    expect(current.live.size).toBe(1);
  });
});
