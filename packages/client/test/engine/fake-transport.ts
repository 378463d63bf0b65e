import type { EnginePacket } from "@cometa/protocol";
import { type CometaClientEngine, createEngine, type EngineStateChange } from "../../src/engine/client-engine.js";
import type { ClientEngineOptions, EngineCloseDetail, EngineCloseReason, TransportName } from "../../src/engine/engine-contract.js";
import type { Transport, TransportContext, TransportFailure, TransportHandler } from "../../src/engine/transport.js";
import { createTransportMemory, type TransportMemory } from "../../src/engine/transport-memory.js";
import { createFakeClock, type FakeClock } from "./fake-clock.js";

/** A scripted transport: the test plays the server through `receive`, `fail`, `drain`. */
export interface FakeTransport extends Transport {
  readonly name: TransportName;
  readonly url: string;
  /** Every packet written, in order. */
  readonly written: EnginePacket[];
  /** Packets per write call (a POST for polling). */
  readonly writes: EnginePacket[][];
  closed: boolean | "graceful";
  /** Packets handed to a graceful `close`, to leave before the close packet. */
  readonly farewell: EnginePacket[];
  paused: boolean;
  /** Pretend a write is in flight (polling POST). */
  busy: boolean;
  pendingPause: (() => void) | undefined;
  resumed: number;
  open(): void;
  receive(...packets: EnginePacket[]): void;
  fail(reason: TransportFailure, detail?: EngineCloseDetail): void;
  /** Ends the in-flight write (and completes a pending pause). */
  drain(): void;
}

const handshake = (sid = "s1", upgrades: string[] = ["websocket"], pingInterval = 100, pingTimeout = 50) =>
  JSON.stringify({ sid, upgrades, pingInterval, pingTimeout, maxPayload: 1000 });

/** An `open` packet with small timings. */
export const openPacket = (...args: Parameters<typeof handshake>): EnginePacket => ({ type: "open", data: handshake(...args) });

function fakeTransport(name: TransportName, context: TransportContext, handler: TransportHandler): FakeTransport {
  const t: FakeTransport = {
    name,
    url: context.url(),
    written: [],
    writes: [],
    closed: false,
    farewell: [],
    paused: false,
    busy: false,
    pendingPause: undefined,
    resumed: 0,
    get writable() {
      return !t.closed && !t.paused && !t.busy;
    },
    write(queue, maxPayload) {
      // Polling takes what fits (here: at most 3 packets when maxPayload is 0-ish is irrelevant); WebSocket takes all.
      const batch = queue.splice(0, name === "polling" && maxPayload > 0 ? Math.max(1, Math.min(queue.length, 3)) : queue.length);
      t.writes.push(batch);
      t.written.push(...batch);
      if (name === "polling") t.busy = true;
    },
    pause(onPaused) {
      t.paused = true;
      if (t.busy) t.pendingPause = onPaused;
      else onPaused();
    },
    resume() {
      t.paused = false;
      t.pendingPause = undefined;
      t.resumed++;
      if (!t.busy) handler.onTransportDrain();
    },
    close(farewell) {
      if (t.closed) return;
      t.closed = farewell ? "graceful" : true;
      t.farewell.push(...(farewell ?? []));
    },
    open: () => handler.onTransportOpen(),
    receive: (...packets) => {
      for (const p of packets) handler.onTransportPacket(p);
    },
    fail(reason, detail) {
      t.closed = true;
      handler.onTransportError(reason, detail);
    },
    drain() {
      t.busy = false;
      const pause = t.pendingPause;
      t.pendingPause = undefined;
      if (pause) pause();
      else if (!t.paused) handler.onTransportDrain();
    },
  };
  return t;
}

/** A test rig: an engine on fake transports, fake time, and recorders. */
export interface Rig {
  readonly engine: CometaClientEngine;
  readonly clock: FakeClock;
  readonly memory: TransportMemory;
  readonly created: FakeTransport[];
  readonly messages: unknown[];
  readonly transports: TransportName[];
  readonly states: EngineStateChange[];
  readonly closes: { reason: EngineCloseReason; detail?: EngineCloseDetail }[];
  /** The last transport created with `name`. */
  last(name: TransportName): FakeTransport;
}

/** Options with defaults for unit tests. */
export function testOptions(clock: FakeClock, overrides: Partial<ClientEngineOptions> = {}): ClientEngineOptions {
  return {
    origin: "http://example.test",
    path: "/socket.io/",
    query: {},
    transports: ["websocket", "polling"],
    upgrade: true,
    timestampRequests: false,
    withCredentials: false,
    extraHeaders: {},
    timeout: 1000,
    clock,
    ...overrides,
  };
}

/** Builds an engine on fake transports. Pass `memory`/`clock` to share them between engines. */
export function createRig(
  overrides: Partial<ClientEngineOptions> = {},
  shared: { clock?: FakeClock; memory?: TransportMemory } = {},
): Rig {
  const clock = shared.clock ?? createFakeClock();
  const memory = shared.memory ?? createTransportMemory(clock, undefined, new Map());
  const created: FakeTransport[] = [];
  const factory = (name: TransportName) => (context: TransportContext, handler: TransportHandler) => {
    const t = fakeTransport(name, context, handler);
    created.push(t);
    return t;
  };
  const engine = createEngine(testOptions(clock, overrides), {
    transports: { websocket: factory("websocket"), polling: factory("polling") },
    memory,
  });
  const rig: Rig = {
    engine,
    clock,
    memory,
    created,
    messages: [],
    transports: [],
    states: [],
    closes: [],
    last(name) {
      const found = created.filter((t) => t.name === name).at(-1);
      if (!found) throw new Error(`no ${name} transport created`);
      return found;
    },
  };
  engine.onMessage = (frame) => rig.messages.push(frame);
  engine.onTransport = (name) => rig.transports.push(name);
  engine.onStateChange = (change) => rig.states.push(change);
  engine.onClose = (reason, detail) => rig.closes.push(detail ? { reason, detail } : { reason });
  return rig;
}
