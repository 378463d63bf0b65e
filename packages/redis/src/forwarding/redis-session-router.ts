import { randomBytes } from "node:crypto";
import { CometaError } from "@cometa/protocol";
import type { Clock, EngineRequest, ForwardCall, ForwardedServe, ForwardFailure, SessionRouter } from "./engine-types.js";
import {
  type AbortMessage,
  type NodeChannels,
  nodeChannels,
  parseInbound,
  parseResponse,
  type RequestMessage,
  type ResponseMessage,
} from "./forward-messages.js";
import { OwnerExchange, pendingKey, type ResponseSink } from "./owner-exchange.js";

/** The publishing side of a Redis client (an ioredis `Redis` fits). */
export interface ForwardingPublisher {
  /** Resolves with the number of subscribers that received the message. */
  publish(channel: string, message: string): Promise<number>;
}

/** A Redis client in subscriber mode (an ioredis `Redis` fits; it may be shared with other channels). */
export interface ForwardingSubscriber {
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  on(event: "message", listener: (channel: string, message: string) => void): unknown;
  off(event: "message", listener: (channel: string, message: string) => void): unknown;
}

/** One forwarded request as measured at the edge that forwarded it. */
export interface ForwardSample {
  /** Lower-cased HTTP method. */
  readonly method: string;
  /** The owner's status line, or the failure reason. */
  readonly outcome: string;
  /** From forwarding to the answer, ms. */
  readonly totalMs: number;
  /** How long the owner held the request (a parked GET waits for data), ms. */
  readonly ownerMs: number;
  /** `totalMs - ownerMs`: the latency forwarding added. */
  readonly addedMs: number;
}

/** Options of `createRedisSessionRouter`. */
export interface RedisSessionRouterOptions {
  /** Client for PUBLISH. */
  readonly pub: ForwardingPublisher;
  /** Client in subscriber mode (a separate connection from `pub`). */
  readonly sub: ForwardingSubscriber;
  /** This node's id. Default: 8 random base64url characters, new on every start. */
  readonly nodeId?: string;
  /** Channel prefix, shared by every node of the cluster. Default `"cometa"`. */
  readonly prefix?: string;
  /**
   * Treat a PUBLISH that reached no subscriber as "the owner is gone" (400
   * code 1 at once, so the client reconnects). Default true. Set false on
   * Redis Cluster, where PUBLISH counts only the local shard's subscribers;
   * a dead owner is then noticed by the timeout (504).
   */
  readonly detectMissingOwner?: boolean;
  /** Time source for the forward timeouts. Default: the real clock. */
  readonly clock?: Clock;
  /** Observer of every answered forward (metrics, tests). */
  readonly onForwarded?: (sample: ForwardSample) => void;
  /** Receives errors thrown while serving a forwarded request. Default: `console.error`. */
  readonly onError?: (error: unknown) => void;
}

/** Counters of one router. */
export interface ForwardingStats {
  /** Requests this node forwarded to an owner. */
  readonly forwarded: number;
  /** Forwarded requests this node served as the owner. */
  readonly served: number;
  /** Forwards that failed, by reason. */
  readonly failed: Readonly<Record<ForwardFailure, number>>;
  /** Forwards whose client went away before the answer. */
  readonly aborted: number;
  /** Messages on our channels that were not ours to read (dropped). */
  readonly malformed: number;
}

/** Thrown when one router is bound to two engines (programmer misuse). */
export class SessionRouterError extends CometaError<"ROUTER_ALREADY_BOUND" | "INVALID_OPTION"> {}

const NODE_ID = /^[A-Za-z0-9_-]{1,32}$/;

const realClock: Clock = {
  now: () => performance.now(),
  setTimeout(callback, ms) {
    const handle = globalThis.setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
  },
};

/** A request this node forwarded, waiting for the owner's answer. */
interface EdgeEntry {
  readonly call: ForwardCall;
  readonly target: string;
  readonly started: number;
  timer: unknown;
}

/**
 * Long-polling without sticky sessions, over Redis pub/sub (decision 0004).
 * Both halves of forwarding in one object: as the edge it publishes requests
 * for other nodes' sessions and ends the client's exchange with the answer;
 * as the owner it runs requests from other nodes through its engine with an
 * `OwnerExchange` and publishes the answers. Make one with
 * `createRedisSessionRouter`, pass it as the server's `sessionRouter`, and
 * `close()` it after the server.
 */
export class RedisSessionRouter implements SessionRouter, ResponseSink {
  readonly nodeId: string;
  private readonly channels: NodeChannels;
  private readonly prefix: string;
  private readonly clock: Clock;
  private serve: ForwardedServe | null = null;
  private readonly edgeCalls = new Map<number, EdgeEntry>();
  private readonly ownerExchanges = new Map<string, OwnerExchange>();
  private seq = 0;
  private closed = false;
  private readonly counts = {
    forwarded: 0,
    served: 0,
    failed: { "unknown session": 0, unavailable: 0, timeout: 0 } as Record<ForwardFailure, number>,
    aborted: 0,
    malformed: 0,
  };

  constructor(private readonly options: RedisSessionRouterOptions) {
    this.nodeId = options.nodeId ?? randomBytes(6).toString("base64url");
    if (!NODE_ID.test(this.nodeId)) {
      throw new SessionRouterError("INVALID_OPTION", "nodeId must be 1-32 characters of A-Z a-z 0-9 _ -");
    }
    this.prefix = options.prefix ?? "cometa";
    this.channels = nodeChannels(this.prefix, this.nodeId);
    this.clock = options.clock ?? realClock;
  }

  /** Counters since start. */
  get stats(): ForwardingStats {
    return { ...this.counts, failed: { ...this.counts.failed } };
  }

  /** Subscribe to this node's channels. Resolves once Redis confirmed; `createRedisSessionRouter` calls it. */
  async start(): Promise<void> {
    this.options.sub.on("message", this.onMessage);
    await this.options.sub.subscribe(this.channels.requests, this.channels.responses);
  }

  /** Stop: unsubscribe, and answer every request still waiting on an owner with 503. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.edgeCalls.keys()]) this.fail(id, "unavailable");
    for (const exchange of [...this.ownerExchanges.values()]) exchange.abort();
    this.options.sub.off("message", this.onMessage);
    // A dead connection must not turn close() into a rejection: there is nothing left to undo.
    await this.options.sub.unsubscribe(this.channels.requests, this.channels.responses).catch(() => {});
  }

  bind(serve: ForwardedServe): () => void {
    if (this.serve !== null) throw new SessionRouterError("ROUTER_ALREADY_BOUND", "this router already serves an engine");
    this.serve = serve;
    return () => {
      if (this.serve === serve) this.serve = null;
    };
  }

  forward(call: ForwardCall): void {
    if (this.closed) {
      call.fail("unavailable");
      return;
    }
    const id = ++this.seq;
    const target = nodeChannels(this.prefix, call.owner).requests;
    this.counts.forwarded++;
    if (call.exchange.done) {
      // A POST the edge refused: the owner only needs to hear of it (its session ends).
      this.publish(target, { k: "q", i: id, f: this.nodeId, r: plain(call.request), b: call.body, n: 1 });
      return;
    }
    const entry: EdgeEntry = { call, target, started: this.clock.now(), timer: null };
    entry.timer = this.clock.setTimeout(() => this.expire(id), call.timeout);
    this.edgeCalls.set(id, entry);
    call.exchange.onAbort = () => this.abandon(id);
    const message: RequestMessage = { k: "q", i: id, f: this.nodeId, r: plain(call.request), b: call.body };
    this.options.pub.publish(target, JSON.stringify(message)).then(
      (receivers) => {
        if (receivers === 0 && this.options.detectMissingOwner !== false) this.fail(id, "unknown session");
      },
      () => this.fail(id, "unavailable"),
    );
  }

  /** ResponseSink: publish an owner's answer to the edge. */
  respond(edge: string, message: ResponseMessage): void {
    this.publish(nodeChannels(this.prefix, edge).responses, message);
  }

  /** ResponseSink: an owner exchange is settled. */
  settled(exchange: OwnerExchange): void {
    this.ownerExchanges.delete(exchange.key);
  }

  /** ResponseSink: the clock. */
  now(): number {
    return this.clock.now();
  }

  private readonly onMessage = (channel: string, text: string): void => {
    if (channel === this.channels.requests) this.onInbound(text);
    else if (channel === this.channels.responses) this.onResponse(text);
  };

  private onInbound(text: string): void {
    const message = parseInbound(text);
    if (message === undefined) {
      this.counts.malformed++;
      return;
    }
    if (message.k === "x") {
      this.onAbortMessage(message);
      return;
    }
    const serve = this.serve;
    if (serve === null || this.closed) {
      // The engine is shut down: none of its sessions exist any more.
      if (message.n !== 1) this.respond(message.f, { i: message.i, e: "unknown session", d: 0 });
      return;
    }
    const exchange = new OwnerExchange(message.f, message.i, message.b, message.n === 1, this);
    this.counts.served++;
    this.ownerExchanges.set(exchange.key, exchange);
    try {
      serve(message.r, exchange);
    } catch (error) {
      // Same as a direct request whose handler threw: answer, and report.
      exchange.end("500 Internal Server Error", [], "");
      (this.options.onError ?? defaultOnError)(error);
    }
  }

  private onAbortMessage(message: AbortMessage): void {
    this.ownerExchanges.get(pendingKey(message.f, message.i))?.abort();
  }

  private onResponse(text: string): void {
    const message = parseResponse(text);
    if (message === undefined) {
      this.counts.malformed++;
      return;
    }
    // Unknown id: the client left or the call timed out meanwhile (the owner was told).
    const entry = this.take(message.i);
    if (entry === undefined) return;
    const totalMs = this.clock.now() - entry.started;
    const ownerMs = Math.min(message.d, totalMs);
    if (message.e !== undefined) {
      this.counts.failed[message.e]++;
      entry.call.fail(message.e);
    } else {
      entry.call.exchange.end(message.s!, message.h!, message.b!, message.c === 1);
    }
    this.options.onForwarded?.({
      method: entry.call.request.method,
      outcome: message.e ?? message.s!,
      totalMs,
      ownerMs,
      addedMs: totalMs - ownerMs,
    });
  }

  /** The owner did not answer in time: tell it to let go (its session ends, as after a lost poll) and answer 504. */
  private expire(id: number): void {
    const entry = this.edgeCalls.get(id);
    if (entry === undefined) return;
    entry.timer = null;
    this.fail(id, "timeout");
    this.publish(entry.target, { k: "x", i: id, f: this.nodeId });
  }

  /** The client went away: the owner's exchange aborts, exactly as a direct one would. */
  private abandon(id: number): void {
    const entry = this.take(id);
    if (entry === undefined) return;
    this.counts.aborted++;
    this.publish(entry.target, { k: "x", i: id, f: this.nodeId });
  }

  private fail(id: number, reason: ForwardFailure): void {
    const entry = this.take(id);
    if (entry === undefined) return;
    this.counts.failed[reason]++;
    entry.call.fail(reason);
  }

  /** Remove a waiting call: no timer, no abort hook. */
  private take(id: number): EdgeEntry | undefined {
    const entry = this.edgeCalls.get(id);
    if (entry === undefined) return undefined;
    this.edgeCalls.delete(id);
    if (entry.timer !== null) this.clock.clearTimeout(entry.timer);
    entry.call.exchange.onAbort = null;
    return entry;
  }

  /** Fire-and-forget publish: a failure means the other side times out, never an unhandled rejection. */
  private publish(channel: string, message: RequestMessage | AbortMessage | ResponseMessage): void {
    this.options.pub.publish(channel, JSON.stringify(message)).catch(() => {});
  }
}

/**
 * Create a session router over Redis and subscribe to this node's channels.
 * Pass it to `createServer({ sessionRouter })` on every node behind the load
 * balancer; close it after the server.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { createServer } from "@cometa/server";
 * import { createRedisSessionRouter } from "@cometa/redis";
 *
 * const router = await createRedisSessionRouter({ pub: new Redis(url), sub: new Redis(url) });
 * const io = createServer({ sessionRouter: router });
 * await io.listen(3000);
 * // … on shutdown
 * await io.close();
 * await router.close();
 * ```
 */
export async function createRedisSessionRouter(options: RedisSessionRouterOptions): Promise<RedisSessionRouter> {
  const router = new RedisSessionRouter(options);
  await router.start();
  return router;
}

/** The request as plain data (the engine's copy may be a class with getters). */
function plain(request: EngineRequest): EngineRequest {
  return {
    method: request.method,
    url: request.url,
    query: request.query,
    headers: request.headers,
    address: request.address,
  };
}

function defaultOnError(error: unknown): void {
  console.error("[cometa] error while serving a forwarded polling request:", error);
}
