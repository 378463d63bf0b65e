import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type {
  EngineRequest,
  ForwardCall,
  ForwardFailure,
  HeaderPair,
  HttpExchange,
} from "../../src/forwarding/engine-types.js";
import {
  createRedisSessionRouter,
  type ForwardSample,
  type RedisSessionRouter,
  type RedisSessionRouterOptions,
  SessionRouterError,
} from "../../src/forwarding/index.js";
import { describeRedis, type RedisProcess, requireRedis, startRedis } from "../redis-harness.js";

/** The client's exchange at the edge: records the answer the router ends it with. */
class EdgeExchange implements HttpExchange {
  done = false;
  onAbort: (() => void) | null = null;
  response: { status: string; headers: readonly HeaderPair[]; body: string; close: boolean } | null = null;
  private settle!: () => void;
  readonly answered = new Promise<void>((resolve) => (this.settle = resolve));

  end(status: string, headers: readonly HeaderPair[], body: string, closeConnection = false): void {
    if (this.done) throw new Error("response sent twice");
    this.done = true;
    this.response = { status, headers, body, close: closeConnection };
    this.settle();
  }

  readBody(): void {
    throw new Error("the edge's body is read by the engine, never by the router");
  }

  /** The client goes away. */
  abort(): void {
    this.done = true;
    this.onAbort?.();
  }
}

/** A `ForwardCall` as the engine builds it, recording failures. */
function forwardCall(owner: string, method: string, body: string | null, timeout = 10_000) {
  const exchange = new EdgeExchange();
  const failures: ForwardFailure[] = [];
  const query = { EIO: "4", transport: "polling", sid: `${owner}.AAAAAAAAAAAAAAAAAAAA` };
  const request: EngineRequest = {
    method,
    url: `/socket.io/?EIO=4&transport=polling&sid=${query.sid}`,
    query,
    headers: { origin: "https://app.example", "content-type": "text/plain;charset=UTF-8" },
    address: "127.0.0.1",
  };
  const call: ForwardCall = {
    owner,
    request,
    body,
    exchange,
    timeout,
    fail(reason) {
      failures.push(reason);
      if (!exchange.done) exchange.end(`failed: ${reason}`, [], "");
    },
  };
  return { call, exchange, failures };
}

/** A clock whose timers fire only when the test says so. */
class ManualClock {
  private readonly timers = new Map<number, () => void>();
  private seq = 0;
  now(): number {
    return 0;
  }
  setTimeout(callback: () => void): unknown {
    this.timers.set(++this.seq, callback);
    return this.seq;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Fire every pending timer. */
  fireAll(): void {
    const due = [...this.timers.values()];
    this.timers.clear();
    for (const fn of due) fn();
  }
  get pending(): number {
    return this.timers.size;
  }
}

/** What an owner's engine was asked to serve. */
interface Served {
  readonly request: EngineRequest;
  readonly exchange: HttpExchange;
}

describeRedis("RedisSessionRouter over a real Redis", () => {
  let redis: RedisProcess;
  const clients: Redis[] = [];
  const routers: RedisSessionRouter[] = [];

  beforeAll(async () => {
    requireRedis();
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    await Promise.all(routers.splice(0).map((r) => r.close()));
    for (const client of clients.splice(0)) client.disconnect();
  });

  function client(url = redis.url): Redis {
    const c = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    c.on("error", () => {}); // connection errors surface as rejected commands, which the router handles
    clients.push(c);
    return c;
  }

  /** A router whose engine records every served request (and answers nothing by itself). */
  async function node(nodeId: string, extra: Partial<RedisSessionRouterOptions> = {}) {
    const router = await createRedisSessionRouter({ pub: client(), sub: client(), nodeId, ...extra });
    routers.push(router);
    const served: Served[] = [];
    const waiters: ((s: Served) => void)[] = [];
    router.bind((request, exchange) => {
      const s = { request, exchange };
      const waiter = waiters.shift();
      if (waiter) waiter(s);
      else served.push(s);
    });
    const nextServed = (): Promise<Served> =>
      served.length > 0 ? Promise.resolve(served.shift()!) : new Promise((resolve) => waiters.push(resolve));
    return { router, nextServed };
  }

  it("carries a GET to its owner and the owner's answer back, with the time the owner held it", async () => {
    const samples: ForwardSample[] = [];
    const owner = await node("own1");
    const edge = await node("edge1", { onForwarded: (s) => samples.push(s) });
    const { call, exchange } = forwardCall("own1", "get", null);
    edge.router.forward(call);
    const served = await owner.nextServed();
    expect(served.request).toEqual(call.request);
    served.exchange.end("200 OK", [["Content-Type", "text/plain; charset=UTF-8"]], "4hello\x1e2");
    await exchange.answered;
    expect(exchange.response).toEqual({
      status: "200 OK",
      headers: [["Content-Type", "text/plain; charset=UTF-8"]],
      body: "4hello\x1e2",
      close: false,
    });
    expect(samples).toHaveLength(1);
    expect(samples[0]!.method).toBe("get");
    expect(samples[0]!.addedMs).toBeGreaterThanOrEqual(0);
    expect(samples[0]!.addedMs + samples[0]!.ownerMs).toBeCloseTo(samples[0]!.totalMs, 6);
    expect(edge.router.stats.forwarded).toBe(1);
    expect(owner.router.stats.served).toBe(1);
  });

  it("hands the POST body to the owner's readBody, and refuses one over the owner's limit with 413", async () => {
    const owner = await node("own2");
    const edge = await node("edge2");
    const one = forwardCall("own2", "post", "4a\x1e4b");
    edge.router.forward(one.call);
    const served = await owner.nextServed();
    const bodies: (string | null)[] = [];
    served.exchange.readBody(100, (body) => bodies.push(body));
    served.exchange.end("200 OK", [], "ok");
    await one.exchange.answered;
    expect(one.exchange.response?.body).toBe("ok");

    const two = forwardCall("own2", "post", "x".repeat(101));
    edge.router.forward(two.call);
    (await owner.nextServed()).exchange.readBody(100, (body) => bodies.push(body));
    await two.exchange.answered;
    expect(bodies).toEqual(["4a\x1e4b", null]);
    expect(two.exchange.response).toMatchObject({ status: "413 Payload Too Large", close: true });
  });

  it("tells the owner of a POST the edge refused, without waiting for an answer", async () => {
    const owner = await node("own3");
    const edge = await node("edge3");
    const { call, exchange } = forwardCall("own3", "post", null);
    exchange.end("413 Payload Too Large", [], "", true);
    edge.router.forward(call);
    const served = await owner.nextServed();
    let seen: string | null | undefined;
    served.exchange.readBody(1000, (body) => (seen = body));
    expect(seen).toBeNull();
    expect(exchange.response?.status).toBe("413 Payload Too Large");
  });

  it("propagates the client's abort to the owner's exchange", async () => {
    const owner = await node("own4");
    const edge = await node("edge4");
    const { call, exchange } = forwardCall("own4", "get", null);
    edge.router.forward(call);
    const served = await owner.nextServed();
    const aborted = new Promise<void>((resolve) => (served.exchange.onAbort = resolve));
    exchange.abort();
    await aborted;
    expect(served.exchange.done).toBe(true);
    expect(edge.router.stats.aborted).toBe(1);
  });

  it("answers unknown session at once when no node owns the sid's node id", async () => {
    const edge = await node("edge5");
    const { call, exchange, failures } = forwardCall("gone", "get", null);
    edge.router.forward(call);
    await exchange.answered;
    expect(failures).toEqual(["unknown session"]);
    expect(edge.router.stats.failed["unknown session"]).toBe(1);
  });

  it("times out a silent owner (504) and tells it to let go", async () => {
    const clock = new ManualClock();
    const owner = await node("own6");
    const edge = await node("edge6", { clock });
    const { call, exchange, failures } = forwardCall("own6", "get", null, 1234);
    edge.router.forward(call);
    const served = await owner.nextServed();
    const released = new Promise<void>((resolve) => (served.exchange.onAbort = resolve));
    expect(clock.pending).toBe(1);
    clock.fireAll();
    expect(failures).toEqual(["timeout"]);
    await released;
    // A late answer from the owner is dropped.
    served.exchange.end("200 OK", [], "late");
    expect(exchange.response?.status).toBe("failed: timeout");
  });

  it("answers unavailable (503) when Redis cannot take the publish", async () => {
    const lonely = await startRedis();
    try {
      const pub = new Redis(lonely.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
      pub.on("error", () => {});
      clients.push(pub);
      const router = await createRedisSessionRouter({ pub, sub: client(lonely.url), nodeId: "edge7" });
      routers.push(router);
      await lonely.kill();
      await new Promise<void>((resolve) => (pub.status === "ready" ? pub.once("close", resolve) : resolve()));
      const { call, exchange, failures } = forwardCall("own7", "get", null);
      router.forward(call);
      await exchange.answered;
      expect(failures).toEqual(["unavailable"]);
    } finally {
      await lonely.stop();
    }
  });

  it("answers unknown session for an owner whose engine shut down; binds one engine only", async () => {
    const owner = await createRedisSessionRouter({ pub: client(), sub: client(), nodeId: "own8" });
    routers.push(owner);
    const unbind = owner.bind(() => {
      throw new Error("never served after unbind");
    });
    expect(() => owner.bind(() => {})).toThrow(SessionRouterError);
    unbind();
    const edge = await node("edge8");
    const { call, exchange, failures } = forwardCall("own8", "get", null);
    edge.router.forward(call);
    await exchange.answered;
    expect(failures).toEqual(["unknown session"]);
  });

  it("on close: waiting forwards get 503, later ones too, and the channels are released", async () => {
    const owner = await node("own9");
    const edge = await node("edge9");
    const first = forwardCall("own9", "get", null);
    edge.router.forward(first.call);
    await owner.nextServed();
    await edge.router.close();
    expect(first.failures).toEqual(["unavailable"]);
    const second = forwardCall("own9", "get", null);
    edge.router.forward(second.call);
    expect(second.failures).toEqual(["unavailable"]);
    expect(redis.cli("PUBSUB", "NUMSUB", "cometa#fwd#edge9#res")).toMatch(/\b0$/);
  });

  it("drops malformed messages on its channels and keeps serving; a throwing engine gets a 500", async () => {
    const errors: unknown[] = [];
    const owner = await createRedisSessionRouter({
      pub: client(),
      sub: client(),
      nodeId: "own10",
      onError: (e) => errors.push(e),
    });
    routers.push(owner);
    owner.bind(() => {
      throw new Error("boom");
    });
    const edge = await node("edge10");
    const pub = client();
    await pub.publish("cometa#fwd#own10#req", "not json");
    await pub.publish("cometa#fwd#own10#req", JSON.stringify({ k: "q", i: 1, f: "edge10", r: { method: 1 }, b: null }));
    await pub.publish("cometa#fwd#edge10#res", JSON.stringify({ i: "x" }));
    const { call, exchange } = forwardCall("own10", "get", null);
    edge.router.forward(call);
    await exchange.answered;
    expect(exchange.response?.status).toBe("500 Internal Server Error");
    expect(errors).toHaveLength(1);
    expect(owner.stats.malformed).toBe(2);
    expect(edge.router.stats.malformed).toBe(1);
  });

  it("rejects a node id that cannot be embedded in a sid", async () => {
    await expect(createRedisSessionRouter({ pub: client(), sub: client(), nodeId: "a.b" })).rejects.toThrow(
      SessionRouterError,
    );
  });
});
