import { type Packet, PacketType } from "@cometa/protocol";
import { DEFAULT_BACKOFF } from "../src/backoff.js";
import { Manager, type ManagerEvents, type ManagerOptions } from "../src/manager.js";
import type { Socket } from "../src/socket.js";
import type { SocketOptions } from "../src/socket-types.js";
import { FakeClock } from "./fake-clock.js";
import { type FakeEngine, fakeEngines } from "./fake-engine.js";
import { jsonTestCodec } from "./json-codec.js";

/** A manager on a fake engine, fake time and a JSON test codec. `random` defaults to 0 (delay = ceiling). */
export function setup(overrides: Partial<ManagerOptions> = {}) {
  const clock = new FakeClock();
  const fakes = fakeEngines();
  const manager = new Manager({
    origin: "http://example.test",
    path: "/socket.io/",
    query: {},
    transports: ["websocket", "polling"],
    upgrade: true,
    timestampRequests: true,
    withCredentials: false,
    extraHeaders: {},
    createEngine: fakes.create,
    codec: jsonTestCodec,
    reconnection: true,
    reconnectionAttempts: Number.POSITIVE_INFINITY,
    ...DEFAULT_BACKOFF,
    timeout: 20_000,
    autoConnect: true,
    clock,
    random: () => 0,
    ...overrides,
  });
  const log: string[] = [];
  const names: (keyof ManagerEvents)[] = [
    "open",
    "error",
    "close",
    "reconnect_attempt",
    "reconnect",
    "reconnect_error",
    "reconnect_failed",
  ];
  for (const name of names) {
    manager.on(name, (arg?: unknown) => {
      const detail = arg instanceof Error ? (arg as Error & { code: string }).code : arg;
      log.push(detail === undefined ? name : `${name}:${String(detail)}`);
    });
  }
  const engine = (): FakeEngine => fakes.last();
  return { clock, manager, fakes, engine, log };
}

/** Open a socket on `nsp` and complete both handshakes; returns the socket and its engine. */
export function connected(
  env: ReturnType<typeof setup>,
  nsp = "/",
  options: Partial<SocketOptions> = {},
  sid = "sid-1",
): Socket {
  const socket = env.manager.socket(nsp, options);
  const engine = env.engine();
  if (engine.id === undefined) engine.accept();
  acceptConnect(engine, nsp, sid);
  return socket;
}

/** The server accepts the namespace CONNECT. */
export function acceptConnect(engine: FakeEngine, nsp = "/", sid = "sid-1", pid?: string): void {
  engine.deliver({ type: PacketType.CONNECT, nsp, data: pid === undefined ? { sid } : { sid, pid } });
}

/** EVENT packets the client sent on `engine`. */
export function events(engine: FakeEngine): Packet[] {
  return engine.packets.filter((p) => p.type === PacketType.EVENT);
}
