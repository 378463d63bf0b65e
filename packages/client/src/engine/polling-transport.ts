import type { EnginePacket } from "@cometa/protocol";
import { ClientError } from "../errors.js";
import type { EngineCloseDetail } from "./engine-contract.js";
import { readPayload, writePayload } from "./frames.js";
import { httpFailure } from "./http-failure.js";
import { type FetchLike, globals } from "./platform.js";
import type { Transport, TransportFactory } from "./transport.js";

/**
 * HTTP long-polling over `fetch` (PROTOCOL.md §2.5): a GET loop that parks on
 * the server until it has packets, and POSTs of batched packets. At most one
 * GET and one POST are in flight, as the server requires. Payloads are text:
 * packets joined by 0x1E, binary as `b` + base64.
 *
 * Every response body is read to the end (or the request aborted): a
 * connection with unread data can neither be reused nor closed, and lingers
 * in CLOSE-WAIT once the server hangs up.
 *
 * @example
 * ```ts
 * const polling = createPollingTransport({ options, clock, url: () => pollUrl }, handler);
 * polling.write(queue, handshake.maxPayload);
 * ```
 */
export const createPollingTransport: TransportFactory = ({ options, clock, url }, handler) => {
  const fetchFn = (options.fetch ?? globals.fetch) as FetchLike | undefined;
  const aborter = globals.AbortController && new globals.AbortController();
  let closed = false;
  /** Closed without a farewell: requests were aborted, and none may start. */
  let aborted = false;
  let paused = false;
  let polling = false;
  let posting: Promise<void> | undefined;
  let onPaused: (() => void) | undefined;

  const fail = (reason: "transport error" | "parse error", detail: EngineCloseDetail): void => {
    if (closed) return;
    transport.close();
    handler.onTransportError(reason, detail);
  };

  /** A GET (no body) or POST; resolves with the body of a 200 response, or undefined once failed or closed. */
  const request = async (body?: string): Promise<string | undefined> => {
    try {
      if (!fetchFn) throw new ClientError("NO_TRANSPORT", "no fetch");
      // fetch itself labels a string body `text/plain;charset=UTF-8`, as Engine.IO expects.
      const response = await fetchFn(url(), {
        method: body ? "POST" : "GET",
        body,
        headers: options.extraHeaders,
        credentials: options.withCredentials ? "include" : "same-origin",
        signal: aborter?.signal,
      });
      if (response.status !== 200) {
        fail("transport error", await httpFailure(response, clock.now()));
        return undefined;
      }
      const text = await response.text();
      return closed ? undefined : text;
    } catch (error) {
      fail("transport error", {
        error: error instanceof ClientError ? error : new ClientError("NETWORK_ERROR", undefined, error),
      });
    }
  };

  /** Report the pause as done once neither a GET nor a POST is in flight. */
  const settle = (): void => {
    const callback = onPaused;
    if (!paused || polling || posting || !callback) return;
    onPaused = undefined;
    callback();
  };

  const poll = async (): Promise<void> => {
    polling = true;
    const body = await request();
    polling = false;
    if (body === undefined) return;
    const packets = readPayload(body);
    if (!Array.isArray(packets)) return fail("parse error", { error: packets });
    for (const packet of packets) {
      // The engine may close us (close packet, ping timeout) or pause us while handling a packet.
      if (closed) return;
      handler.onTransportPacket(packet);
    }
    if (closed) return;
    if (paused) settle();
    else void poll();
  };

  /**
   * POST what `queue` holds one microtask from now, not at once: packets queued in the same tick (two emits in one
   * handler, an emit and an ack) then share one request instead of taking one each. `posting` is set meanwhile, so
   * the transport is not writable and the engine keeps queueing into `queue`.
   */
  const post = (queue: EnginePacket[], maxPayload: number): Promise<void> =>
    (posting = Promise.resolve()
      .then(() => {
        // Closed silently meanwhile: nothing more goes out. A graceful close waits for this POST, then sends its own.
        if (aborted) return undefined;
        const packets = queue.splice(0, countFitting(queue, maxPayload));
        return packets.length === 0 ? undefined : request(writePayload(packets));
      })
      .then((sent) => {
        posting = undefined;
        if (sent === undefined) return;
        if (paused) settle();
        else handler.onTransportDrain();
      }));

  const transport: Transport = {
    get writable() {
      return !closed && !paused && !posting;
    },
    write(queue, maxPayload) {
      void post(queue, maxPayload);
    },
    pause(callback) {
      paused = true;
      onPaused = callback;
      settle();
    },
    resume() {
      paused = false;
      onPaused = undefined;
      if (!polling) void poll();
      if (!posting) handler.onTransportDrain();
    },
    close(farewell) {
      if (closed) return;
      closed = true;
      if (!farewell) {
        aborted = true;
        return aborter?.abort();
      }
      // After any in-flight POST (two POSTs at once are an error), send what was still queued, then the close
      // packet in a POST of its own, then drop the parked GET. Not one payload: socket.io 4 acts on a namespace
      // packet (a last DISCONNECT) one tick after decoding it, but on a close packet at once, so in one payload the
      // close would overtake the DISCONNECT and the server would report `transport close`.
      void (posting ?? Promise.resolve())
        .then(() => (farewell.length > 0 ? request(writePayload(farewell)) : undefined))
        .then(() => request(writePayload([{ type: "close" }])))
        .finally(() => aborter?.abort());
    },
  };

  void poll();
  return transport;
};

/**
 * How many packets from the front of `queue` fit one POST of at most
 * `maxPayload` bytes (always at least one: an oversized packet still goes
 * whole, as the reference client does). Sizes are estimated as the encoded
 * UTF-8 length plus the type character and the separator.
 */
export function countFitting(queue: readonly EnginePacket[], maxPayload: number): number {
  let size = 0;
  for (let i = 0; i < queue.length; i++) {
    const data = queue[i]!.data ?? "";
    size += 2 + (typeof data === "string" ? utf8.encode(data).length : Math.ceil(data.length / 3) * 4);
    if (size > maxPayload && i > 0) return i;
  }
  return queue.length;
}

/** The global `TextEncoder`, typed here because the client compiles without DOM types. */
const utf8 = new (globalThis as unknown as { TextEncoder: new () => { encode(text: string): Uint8Array } }).TextEncoder();
