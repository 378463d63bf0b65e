import type { HeaderPair, HttpExchange } from "./engine-types.js";
import type { ResponseMessage } from "./forward-messages.js";

/** Where an `OwnerExchange` sends its answer (the router's owner half). */
export interface ResponseSink {
  /** Publish the answer to the edge that forwarded the request. */
  respond(edge: string, message: ResponseMessage): void;
  /** The exchange is settled: forget it (no abort can reach it any more). */
  settled(exchange: OwnerExchange): void;
  /** Milliseconds, for `ResponseMessage.d`. */
  now(): number;
}

/**
 * The owner's side of a forwarded request: an `HttpExchange` the owner's
 * engine drives exactly like a direct one. `end` publishes the answer back to
 * the edge; `readBody` yields the body the edge read; an abort from the edge
 * fires `onAbort`.
 */
export class OwnerExchange implements HttpExchange {
  done = false;
  onAbort: (() => void) | null = null;
  private readonly received: number;

  constructor(
    /** The edge's node id. */
    readonly edge: string,
    /** The edge's request id. */
    readonly id: number,
    private readonly body: string | null,
    /** The edge answered already (a POST refused there): publish nothing back. */
    private readonly silent: boolean,
    private readonly sink: ResponseSink,
  ) {
    this.received = sink.now();
  }

  /** Key of this exchange among the owner's pending ones. */
  get key(): string {
    return pendingKey(this.edge, this.id);
  }

  end(status: string, headers: readonly HeaderPair[], body: string, closeConnection = false): void {
    if (this.done) return;
    this.done = true;
    this.onAbort = null;
    this.sink.settled(this);
    if (this.silent) return;
    const message: ResponseMessage = closeConnection
      ? { i: this.id, s: status, h: headers, b: body, c: 1, d: this.sink.now() - this.received }
      : { i: this.id, s: status, h: headers, b: body, d: this.sink.now() - this.received };
    this.sink.respond(this.edge, message);
  }

  readBody(limit: number, onBody: (body: string | null) => void): void {
    const body = this.body;
    // null: the edge refused the body (413) or lost its client mid-body. A body over
    // this node's own limit (nodes configured differently) gets the same answer.
    if (body === null || Buffer.byteLength(body, "utf8") > limit) {
      this.end("413 Payload Too Large", [], "", true);
      onBody(null);
      return;
    }
    onBody(body);
  }

  /** The edge's client went away (or the edge gave up waiting). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    this.sink.settled(this);
    const onAbort = this.onAbort;
    this.onAbort = null;
    onAbort?.();
  }
}

/** Key of a forwarded request at its owner: edge node id + the edge's request id. */
export function pendingKey(edge: string, id: number): string {
  return `${edge} ${id}`;
}
