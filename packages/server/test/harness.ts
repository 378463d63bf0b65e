import { msgpackCodec } from "@cometa/codec-msgpack";
import { type Codec, type Packet, PacketType, ProtocolError, textCodec } from "@cometa/protocol";
import { Server } from "../src/server.js";
import type { ServerOptions } from "../src/server-options.js";
import type { Socket } from "../src/socket.js";
import { FakeClock } from "./fake-clock.js";
import { type FakeConnection, FakeEngine } from "./fake-engine.js";
import { CountingJsonCodec } from "./json-codec.js";

/** A server on a fake engine with a fake clock and a counting JSON codec. */
export interface TestServer {
  // biome-ignore lint/suspicious/noExplicitAny: tests use the untyped server
  readonly io: Server<any, any, any, any>;
  readonly engine: FakeEngine;
  readonly clock: FakeClock;
  readonly codec: CountingJsonCodec;
  /** Open a connection and wrap it in a test client speaking `codec` (default: the server's). */
  client(request?: Parameters<FakeEngine["open"]>[0], codec?: Codec): TestClient;
}

export function createTestServer(options: ServerOptions = {}): TestServer {
  const clock = new FakeClock();
  const codec = new CountingJsonCodec();
  const engine = new FakeEngine();
  const io = new Server({ codec, clock, onError: (e) => errors.push(e), ...options });
  io.bind(engine);
  return {
    io,
    engine,
    clock,
    codec,
    client: (request, clientCodec) => new TestClient(engine.open(request), clientCodec ?? defaultCodec(options, codec)),
  };
}

function defaultCodec(options: ServerOptions, counting: Codec): Codec {
  if (options.codec === undefined) return counting;
  if (options.codec === "text" || options.codec === "auto") return textCodec;
  if (options.codec === "msgpack") return msgpackCodec;
  return options.codec;
}

/** Errors reported through `onError` by test servers (cleared by tests that check it). */
/**
 * A test server with `n` connected clients: the server-side sockets in connection order and their clients. The
 * caller owns the server (close it in `afterEach`).
 */
export async function connectClients(
  n: number,
  options: ServerOptions = {},
): Promise<{ server: TestServer; sockets: Socket[]; clients: TestClient[] }> {
  const server = createTestServer(options);
  const sockets: Socket[] = [];
  server.io.on("connection", (s) => sockets.push(s));
  const clients: TestClient[] = [];
  for (let i = 0; i < n; i++) {
    const client = server.client();
    await client.connect();
    clients.push(client);
  }
  return { server, sockets, clients };
}

/** Which of `clients` received `event` on `nsp` (their indices, one entry per receipt: a double delivery shows twice). */
export function receivers(clients: readonly TestClient[], event: string, nsp = "/"): number[] {
  const out: number[] = [];
  clients.forEach((c, i) => {
    for (const data of c.events(nsp)) if (data[0] === event) out.push(i);
  });
  return out;
}

export const errors: unknown[] = [];

/** The client side of a fake connection: encodes packets, decodes what the server sent. */
export class TestClient {
  readonly packets: Packet[] = [];
  private readonly waiters: { match: (p: Packet) => boolean; resolve: (p: Packet) => void }[] = [];
  private readonly taken: boolean[] = [];
  private readonly decoder;

  constructor(
    readonly conn: FakeConnection,
    private readonly codec: Codec,
  ) {
    this.decoder = codec.createDecoder();
    conn.onDeliver = (frames) => {
      for (const frame of frames) {
        const result = this.decoder.add(frame);
        if (result === undefined) continue;
        if (result instanceof ProtocolError) throw result;
        this.packets.push(result);
        this.flush();
      }
    };
  }

  /** Send a packet. */
  send(packet: Packet): void {
    for (const frame of this.codec.encode(packet)) this.conn.receive(frame);
  }

  /** Send CONNECT and wait for the CONNECT or CONNECT_ERROR reply. */
  async connect(nsp = "/", auth?: Record<string, unknown>): Promise<Packet> {
    this.send(auth === undefined ? { type: PacketType.CONNECT, nsp } : { type: PacketType.CONNECT, nsp, data: auth });
    return this.next((p) => p.nsp === nsp && (p.type === PacketType.CONNECT || p.type === PacketType.CONNECT_ERROR));
  }

  /** Send an EVENT (with an ack id when `id` is given). */
  emit(nsp: string, data: unknown[], id?: number): void {
    this.send(id === undefined ? { type: PacketType.EVENT, nsp, data } : { type: PacketType.EVENT, nsp, data, id });
  }

  /** Answer an ack. */
  ack(nsp: string, id: number, data: unknown[]): void {
    this.send({ type: PacketType.ACK, nsp, id, data });
  }

  /** The first packet not yet taken (optionally the first matching one), awaiting it if needed. */
  next(match: (p: Packet) => boolean = () => true): Promise<Packet> {
    const index = this.find(match);
    if (index !== -1) {
      this.taken[index] = true;
      return Promise.resolve(this.packets[index]!);
    }
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** The next EVENT packet. */
  nextEvent(nsp = "/"): Promise<Packet> {
    return this.next((p) => p.type === PacketType.EVENT && p.nsp === nsp);
  }

  /** EVENT packets received so far (data arrays). */
  events(nsp = "/"): unknown[][] {
    return this.packets.filter((p) => p.type === PacketType.EVENT && p.nsp === nsp).map((p) => p.data as unknown[]);
  }

  private find(match: (p: Packet) => boolean): number {
    for (let i = 0; i < this.packets.length; i++) if (this.taken[i] !== true && match(this.packets[i]!)) return i;
    return -1;
  }

  private flush(): void {
    for (let w = 0; w < this.waiters.length; w++) {
      const waiter = this.waiters[w]!;
      const index = this.find(waiter.match);
      if (index === -1) continue;
      this.taken[index] = true;
      this.waiters.splice(w--, 1);
      waiter.resolve(this.packets[index]!);
    }
  }
}
