import type { Frame, HandshakeData } from "@cometa/protocol";
import { systemClock } from "../../src/clock.js";
import { type CometaClientEngine, createClientEngine } from "../../src/engine/client-engine.js";
import type { ClientEngineOptions, EngineCloseDetail, EngineCloseReason, TransportName } from "../../src/engine/engine-contract.js";

/** A real engine plus awaitable recordings of what it reported. */
export interface EngineProbe {
  readonly engine: CometaClientEngine;
  readonly messages: Frame[];
  readonly transports: TransportName[];
  readonly opened: Promise<HandshakeData>;
  readonly closed: Promise<{ reason: EngineCloseReason; detail?: EngineCloseDetail }>;
  /** Resolves when `count` messages have arrived. */
  messagesUntil(count: number): Promise<Frame[]>;
  /** Resolves when the engine reports `name` as its transport. */
  transportBecomes(name: TransportName): Promise<void>;
}

/** Options for a real engine against `origin`. */
export function engineOptions(origin: string, overrides: Partial<ClientEngineOptions> = {}): ClientEngineOptions {
  return {
    origin,
    path: "/socket.io/",
    query: {},
    transports: ["websocket", "polling"],
    upgrade: true,
    timestampRequests: true,
    withCredentials: false,
    extraHeaders: {},
    timeout: 5000,
    clock: systemClock,
    ...overrides,
  };
}

/** Creates and opens an engine; every engine made here is closed by {@link closeAllProbes}. */
export function openEngine(origin: string, overrides: Partial<ClientEngineOptions> = {}): EngineProbe {
  const engine = createClientEngine(engineOptions(origin, overrides));
  const messages: Frame[] = [];
  const transports: TransportName[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const until = <T>(check: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const test = () => {
        const value = check();
        if (value !== undefined) resolve(value);
        else waiters.push(test);
      };
      test();
    });
  const opened = new Promise<HandshakeData>((resolve) => {
    engine.onOpen = resolve;
  });
  const closed = new Promise<{ reason: EngineCloseReason; detail?: EngineCloseDetail }>((resolve) => {
    engine.onClose = (reason, detail) => {
      resolve(detail ? { reason, detail } : { reason });
      wake();
    };
  });
  engine.onMessage = (frame) => {
    messages.push(frame);
    wake();
  };
  engine.onTransport = (name) => {
    transports.push(name);
    wake();
  };
  live.add(engine);
  engine.open();
  return {
    engine,
    messages,
    transports,
    opened,
    closed,
    messagesUntil: (count) => until(() => (messages.length >= count ? messages.slice(0, count) : undefined)),
    transportBecomes: (name) => until(() => (transports.at(-1) === name ? true : undefined)).then(() => undefined),
  };
}

const live = new Set<CometaClientEngine>();

/** Closes every engine opened by {@link openEngine} (afterEach). */
export function closeAllProbes(): void {
  for (const engine of live) engine.close();
  live.clear();
}
