import type { HeaderPair, HttpExchange } from "../../src/engine/platform.js";
import type { ForwardCall, ForwardedServe, ForwardFailure, SessionRouter } from "../../src/engine/session-router.js";

/**
 * An in-process stand-in for a session router (the Redis one lives in
 * `@cometa/redis`): routers on one `RouterNet` deliver forwarded requests to
 * each other's engines directly, with an exchange that relays the owner's
 * answer and the edge's abort, as a real router must.
 */
export class RouterNet {
  readonly routers = new Map<string, MemoryRouter>();

  /**
   * @param async deliver on the next macrotask (as a network would) instead of
   *   synchronously; needed with real uWS servers, whose responses must not be
   *   written from inside another app's request handler.
   */
  constructor(readonly async = false) {}

  router(nodeId: string): MemoryRouter {
    const router = new MemoryRouter(nodeId, this);
    this.routers.set(nodeId, router);
    return router;
  }
}

/** One node's router on a `RouterNet`. Records every call; can be told to fail or to hold calls. */
export class MemoryRouter implements SessionRouter {
  serve: ForwardedServe | null = null;
  unbound = false;
  readonly calls: ForwardCall[] = [];
  /** Answer every forward with this failure instead of delivering it. */
  failWith: ForwardFailure | null = null;
  /** Keep calls in `calls` without delivering them. */
  hold = false;

  constructor(
    readonly nodeId: string,
    private readonly net: RouterNet,
  ) {}

  bind(serve: ForwardedServe): () => void {
    this.serve = serve;
    return () => {
      this.serve = null;
      this.unbound = true;
    };
  }

  forward(call: ForwardCall): void {
    this.calls.push(call);
    if (this.failWith !== null) {
      call.fail(this.failWith);
      return;
    }
    if (this.hold) return;
    const relay = new RelayExchange(call);
    call.exchange.onAbort = () => relay.abort();
    const deliver = () => {
      const serve = this.net.routers.get(call.owner)?.serve;
      if (serve == null) call.fail("unknown session");
      else serve(call.request, relay);
    };
    if (this.net.async) setImmediate(deliver);
    else deliver();
  }
}

/** The owner-side exchange of a forwarded request: its answer ends the edge's exchange. */
export class RelayExchange implements HttpExchange {
  done = false;
  onAbort: (() => void) | null = null;

  constructor(private readonly call: ForwardCall) {}

  end(status: string, headers: readonly HeaderPair[], body: string, closeConnection?: boolean): void {
    if (this.done) return;
    this.done = true;
    this.onAbort = null;
    const edge = this.call.exchange;
    edge.onAbort = null;
    // A POST refused at the edge arrives with its exchange already answered.
    if (!edge.done) edge.end(status, headers, body, closeConnection);
  }

  readBody(limit: number, onBody: (body: string | null) => void): void {
    const body = this.call.body;
    if (body === null || Buffer.byteLength(body) > limit) {
      this.end("413 Payload Too Large", [], "", true);
      onBody(null);
      return;
    }
    onBody(body);
  }

  /** The edge's client went away. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    const onAbort = this.onAbort;
    this.onAbort = null;
    onAbort?.();
  }
}
