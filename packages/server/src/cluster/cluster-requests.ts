import type { Clock, TimerHandle } from "../clock.js";

/** How a request that collects one answer per node ended. */
export interface CollectedAnswers<T> {
  /** Every answer that arrived (for `fetchSockets`, the sockets of every answer, flattened). */
  readonly results: T[];
  /** Nodes that were asked and did not answer (dead, slow or closed). Empty for a complete answer. */
  readonly missing: readonly string[];
  /**
   * Why it ended: all answered, a node was declared dead, the timeout, the
   * request could not be sent (backplane down), or the adapter closed.
   */
  readonly reason: "complete" | "node-down" | "timeout" | "unreachable" | "closed";
}

/** A request that waits for one answer from each node alive when it was sent. */
interface CollectRequest {
  readonly kind: "collect";
  readonly waiting: Set<string>;
  readonly results: unknown[];
  readonly asked: readonly string[];
  readonly answered: Set<string>;
  readonly done: (answers: CollectedAnswers<unknown>) => void;
  readonly timer: TimerHandle;
  /** Set when a node died before answering, so the request ends with that reason. */
  nodeDown: boolean;
}

/** A broadcast with acks: each node reports a client count, then one ack per client. */
interface BroadcastRequest {
  readonly kind: "broadcast";
  /** Node → clients it reached and acks received (count undefined until reported). */
  readonly nodes: Map<string, { count: number | undefined; acks: number }>;
  readonly onClientCount: (count: number) => void;
  readonly onAck: (response: unknown) => void;
  readonly timer: TimerHandle;
  /** At expiry, settle the missing answers as "gone" (no user timeout would end the collector). */
  readonly settleOnExpiry: boolean;
}

type Request = CollectRequest | BroadcastRequest;

/**
 * Requests this node sent to the others and is waiting on. A request waits
 * for the nodes alive when it was sent, never for a subscriber count; a node
 * declared dead stops being waited for, and the timeout ends a request with
 * whatever arrived. Answers from nodes that were not asked are ignored.
 */
export class ClusterRequests {
  private readonly pending = new Map<string, Request>();

  constructor(private readonly clock: Clock) {}

  /** Number of requests in flight (a leak check for tests and metrics). */
  get size(): number {
    return this.pending.size;
  }

  /** Wait for one answer from each of `nodes` (resolves at once when `nodes` is empty). */
  collect<T>(requestId: string, nodes: readonly string[], timeout: number, done: (answers: CollectedAnswers<T>) => void): void {
    const finish = done as (answers: CollectedAnswers<unknown>) => void;
    if (nodes.length === 0) {
      finish({ results: [], missing: [], reason: "complete" });
      return;
    }
    const timer = this.clock.setTimeout(() => this.end(requestId, "timeout"), timeout);
    this.pending.set(requestId, {
      kind: "collect",
      waiting: new Set(nodes),
      results: [],
      asked: nodes,
      answered: new Set(),
      done: finish,
      timer,
      nodeDown: false,
    });
  }

  /**
   * Track a broadcast with acks sent to `nodes`; it stops listening after
   * `timeout`. With `settleOnExpiry` (the caller set no ack timeout of its
   * own), the nodes and clients still silent then are settled as gone, so the
   * ack callback completes with the replies that arrived instead of never.
   */
  broadcast(
    requestId: string,
    nodes: readonly string[],
    timeout: number,
    onClientCount: (count: number) => void,
    onAck: (response: unknown) => void,
    settleOnExpiry = false,
  ): void {
    if (nodes.length === 0) return;
    const timer = this.clock.setTimeout(() => this.expireBroadcast(requestId), timeout);
    const state = new Map(nodes.map((uid) => [uid, { count: undefined as number | undefined, acks: 0 }]));
    this.pending.set(requestId, { kind: "broadcast", nodes: state, onClientCount, onAck, timer, settleOnExpiry });
  }

  private expireBroadcast(requestId: string): void {
    const request = this.pending.get(requestId);
    if (request?.kind !== "broadcast") return;
    if (request.settleOnExpiry) for (const uid of [...request.nodes.keys()]) this.settleNode(requestId, request, uid);
    this.end(requestId, "timeout");
  }

  /** An answer to a collect request: `items` are appended to the results (spread when `spread`). */
  answer(requestId: string, from: string, items: unknown, spread = false): void {
    const request = this.pending.get(requestId);
    if (request?.kind !== "collect" || !request.waiting.delete(from)) return;
    request.answered.add(from);
    if (spread) request.results.push(...(items as unknown[]));
    else request.results.push(items);
    if (request.waiting.size === 0) this.end(requestId, request.nodeDown ? "node-down" : "complete");
  }

  /** A node's client count for a broadcast with acks (−1: one of its clients left unanswered). */
  clientCount(requestId: string, from: string, count: number): void {
    const request = this.pending.get(requestId);
    if (request?.kind !== "broadcast") return;
    const node = request.nodes.get(from);
    if (node === undefined) return;
    if (count === -1) {
      if (node.count === undefined) return;
      node.count--;
    } else {
      if (node.count !== undefined) return; // one report per node
      node.count = count;
    }
    request.onClientCount(count);
    this.checkBroadcast(requestId, request);
  }

  /** One client's ack for a broadcast. */
  ack(requestId: string, from: string, response: unknown): void {
    const request = this.pending.get(requestId);
    if (request?.kind !== "broadcast") return;
    const node = request.nodes.get(from);
    if (node === undefined) return;
    node.acks++;
    request.onAck(response);
    this.checkBroadcast(requestId, request);
  }

  /** Stop tracking a broadcast once every node reported and every counted client answered. */
  private checkBroadcast(requestId: string, request: BroadcastRequest): void {
    for (const node of request.nodes.values()) if (node.count === undefined || node.acks < node.count) return;
    this.end(requestId, "complete");
  }

  /**
   * Node `uid` is gone: stop waiting for it. A broadcast is told the node
   * reached nobody (if it never reported) or that its unanswered clients left.
   */
  nodeGone(uid: string): void {
    for (const [requestId, request] of this.pending) {
      if (request.kind === "collect") {
        if (!request.waiting.delete(uid)) continue;
        request.nodeDown = true;
        if (request.waiting.size === 0) this.end(requestId, "node-down");
        continue;
      }
      this.settleNode(requestId, request, uid);
    }
  }

  /** Node `uid` will not answer this broadcast any more: it reached nobody, or its silent clients left. */
  private settleNode(requestId: string, request: BroadcastRequest, uid: string): void {
    const node = request.nodes.get(uid);
    if (node === undefined) return;
    request.nodes.delete(uid);
    if (node.count === undefined) {
      request.onClientCount(0);
    } else {
      for (let i = node.acks; i < node.count; i++) request.onClientCount(-1);
    }
    this.checkBroadcast(requestId, request);
  }

  /** The request could not be sent: end it now with nothing from the others. */
  abort(requestId: string): void {
    this.end(requestId, "unreachable");
  }

  /** End every request (the adapter closes). */
  closeAll(): void {
    for (const requestId of [...this.pending.keys()]) this.end(requestId, "closed");
  }

  private end(requestId: string, reason: CollectedAnswers<unknown>["reason"]): void {
    const request = this.pending.get(requestId);
    if (request === undefined) return;
    this.pending.delete(requestId);
    this.clock.clearTimeout(request.timer);
    if (request.kind === "broadcast") return; // the ack collector has its own timeout
    const missing = request.asked.filter((uid) => !request.answered.has(uid));
    request.done({ results: request.results, missing, reason: missing.length === 0 ? "complete" : reason });
  }
}
