import { afterEach, describe, expect, it, vi } from "vitest";
import { createHeartbeat } from "../../src/engine/heartbeat.js";
import { createFakeClock } from "./fake-clock.js";
import { createRig, openPacket } from "./fake-transport.js";

/** Opens a WebSocket engine with pingInterval 100 + pingTimeout 50. */
function openRig() {
  const rig = createRig({ transports: ["websocket"] });
  rig.engine.open();
  const ws = rig.last("websocket");
  ws.receive(openPacket("s", []));
  return { rig, ws };
}

describe("heartbeat", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("answers each ping with a pong and re-arms the watchdog", () => {
    const { rig, ws } = openRig();
    for (let i = 0; i < 5; i++) {
      rig.clock.advance(140);
      ws.receive({ type: "ping" });
    }
    expect(ws.written).toEqual(Array(5).fill({ type: "pong" }));
    expect(rig.closes).toEqual([]);
  });

  it("closes with ping timeout when no ping arrives within pingInterval + pingTimeout", () => {
    const { rig, ws } = openRig();
    rig.clock.advance(100);
    ws.receive({ type: "ping" });
    // Other packets are proof of life but do not re-arm the watchdog (reference behaviour).
    rig.clock.advance(100);
    ws.receive({ type: "message", data: "x" });
    rig.clock.advance(49);
    expect(rig.closes).toEqual([]);
    rig.clock.advance(1);
    expect(rig.closes).toEqual([{ reason: "ping timeout" }]);
    expect(ws.closed).toBe(true);
    expect(rig.clock.pending).toBe(0);
  });

  it("checks the wall clock before each send (timers throttled while asleep)", () => {
    const { rig, ws } = openRig();
    expect(rig.engine.send(["ok"])).toBe(true);
    rig.clock.jump(151); // time passed, the timer did not fire
    expect(rig.engine.send(["late"])).toBe(false);
    expect(rig.closes).toEqual([{ reason: "ping timeout" }]);
    expect(ws.written.map((p) => p.data)).toEqual(["ok"]);
  });

  it("checks the wall clock when the page becomes visible or the network comes back", () => {
    const documentTarget = Object.assign(new EventTarget(), { visibilityState: "hidden" });
    const windowTarget = new EventTarget();
    vi.stubGlobal("document", documentTarget);
    vi.stubGlobal("addEventListener", windowTarget.addEventListener.bind(windowTarget));
    vi.stubGlobal("removeEventListener", windowTarget.removeEventListener.bind(windowTarget));

    const { rig } = openRig();
    rig.clock.jump(100);
    documentTarget.dispatchEvent(new Event("visibilitychange"));
    windowTarget.dispatchEvent(new Event("online"));
    expect(rig.closes).toEqual([]); // deadline not passed yet
    rig.clock.jump(100);
    documentTarget.dispatchEvent(new Event("visibilitychange")); // still hidden: no check
    expect(rig.closes).toEqual([]);
    documentTarget.visibilityState = "visible";
    documentTarget.dispatchEvent(new Event("visibilitychange"));
    expect(rig.closes).toEqual([{ reason: "ping timeout" }]);

    const second = openRig();
    second.rig.clock.jump(151);
    windowTarget.dispatchEvent(new Event("online"));
    expect(second.rig.closes).toEqual([{ reason: "ping timeout" }]);
  });

  it("removes its wake listeners when stopped", () => {
    const added: string[] = [];
    const removed: string[] = [];
    vi.stubGlobal("document", {
      visibilityState: "visible",
      addEventListener: (type: string) => added.push(type),
      removeEventListener: (type: string) => removed.push(type),
    });
    vi.stubGlobal("addEventListener", (type: string) => added.push(type));
    vi.stubGlobal("removeEventListener", (type: string) => removed.push(type));
    const heartbeat = createHeartbeat(createFakeClock(), () => {});
    heartbeat.arm(10);
    heartbeat.arm(10);
    heartbeat.stop();
    heartbeat.stop();
    expect(added).toEqual(["visibilitychange", "online"]);
    expect(removed).toEqual(["visibilitychange", "online"]);
  });

  it("fires once and reports not expired after stop", () => {
    const clock = createFakeClock();
    let fired = 0;
    const heartbeat = createHeartbeat(clock, () => fired++);
    heartbeat.arm(10);
    expect(heartbeat.expired()).toBe(false);
    clock.advance(20);
    expect(fired).toBe(1);
    expect(heartbeat.expired()).toBe(false);
    expect(clock.pending).toBe(0);
  });
});
