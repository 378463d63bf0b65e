import { decodePayload, type EnginePacket, encodePayload, ProtocolError } from "@cometa/protocol";
import type { EngineCloseDetail } from "./engine-contract.js";
import { ClientEngineError } from "./engine-error.js";
import { httpFailure } from "./http-failure.js";
import { type FetchLike, globals, type RequestInitLike } from "./platform.js";
import type { Transport, TransportFactory } from "./transport.js";

/**
 * HTTP long-polling over `fetch` (PROTOCOL.md §2.5): a GET loop that parks on
 * the server until it has packets, and POSTs of batched packets. At most one
 * GET and one POST are in flight, as the server requires. Payloads are text:
 * packets joined by 0x1E, binary as `b` + base64.
 *
 * @example
 * ```ts
 * const polling = createPollingTransport({ options, clock, url: () => pollUrl }, handler);
 * polling.write(queue, handshake.maxPayload);
 * ```
 */
export const createPollingTransport: TransportFactory = ({ options, clock, url }, handler) => {
  const fetchFn = (options.fetch ?? globals.fetch) as FetchLike | undefined;
  const aborter = globals.AbortController ? new globals.AbortController() : undefined;
  let closed = false;
  let paused = false;
  let polling = false;
  let posting: Promise<unknown> | undefined;
  let onPaused: (() => void) | undefined;

  const fail = (reason: "transport error" | "parse error", detail: EngineCloseDetail): void => {
    if (closed) return;
    transport.close();
    handler.onTransportError(reason, detail);
  };

  /** Resolves the body of a 200 response, or undefined once the failure has been reported. */
  const request = async (method: RequestInitLike["method"], body?: string): Promise<string | undefined> => {
    const init: RequestInitLike = {
      method,
      headers: method === "POST" ? { "content-type": "text/plain;charset=UTF-8", ...options.extraHeaders } : { ...options.extraHeaders },
      credentials: options.withCredentials ? "include" : "same-origin",
      signal: aborter?.signal,
    };
    if (body !== undefined) init.body = body;
    try {
      if (!fetchFn) throw new ClientEngineError("NO_TRANSPORT", "no fetch implementation (pass options.fetch)");
      const response = await fetchFn(url(), init);
      if (response.status !== 200) {
        const detail = await httpFailure(response, clock.now());
        fail("transport error", detail);
        return undefined;
      }
      const text = await response.text();
      return closed ? undefined : text;
    } catch (error) {
      fail("transport error", {
        error: error instanceof ClientEngineError ? error : new ClientEngineError("NETWORK_ERROR", `${method} failed`, { cause: error }),
      });
      return undefined;
    }
  };

  const settle = (): void => {
    if (!paused || polling || posting || !onPaused) return;
    const callback = onPaused;
    onPaused = undefined;
    callback();
  };

  const poll = async (): Promise<void> => {
    polling = true;
    const body = await request("GET");
    polling = false;
    if (body === undefined) return;
    const packets = decodePayload(body);
    if (packets instanceof ProtocolError) return fail("parse error", { error: packets });
    for (const packet of packets) {
      // The engine may close us (close packet, ping timeout) or pause us while handling a packet.
      if (closed) return;
      handler.onTransportPacket(packet);
    }
    if (closed) return;
    if (paused) settle();
    else void poll();
  };

  const post = (packets: readonly EnginePacket[]): Promise<unknown> => {
    const done = request("POST", encodePayload(packets)).then((ok) => {
      posting = undefined;
      if (ok === undefined) return;
      if (paused) settle();
      else handler.onTransportDrain();
    });
    posting = done;
    return done;
  };

  const transport: Transport = {
    get writable() {
      return !closed && !paused && !posting;
    },
    write(queue, maxPayload) {
      post(queue.splice(0, countFitting(queue, maxPayload)));
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
    close(graceful) {
      if (closed) return;
      // Tell the server first (after any in-flight POST: two POSTs at once are an error), then drop the parked GET.
      const farewell = graceful ? (posting ?? Promise.resolve()).then(() => fetchFn?.(url(), closeInit(options))) : undefined;
      closed = true;
      if (farewell) farewell.then(abort, abort);
      else abort();
    },
  };
  const abort = (): void => aborter?.abort();

  void poll();
  return transport;
};

function closeInit(options: { extraHeaders: Readonly<Record<string, string>>; withCredentials: boolean }): RequestInitLike {
  return {
    method: "POST",
    body: "1",
    headers: { "content-type": "text/plain;charset=UTF-8", ...options.extraHeaders },
    credentials: options.withCredentials ? "include" : "same-origin",
    signal: undefined,
  };
}

/**
 * How many packets from the front of `queue` fit one POST of at most
 * `maxPayload` bytes (always at least one: an oversized packet still goes
 * whole, as the reference client does). Sizes are estimated as the encoded
 * UTF-8 length plus the type character and the separator.
 */
export function countFitting(queue: readonly EnginePacket[], maxPayload: number): number {
  let size = 0;
  for (let i = 0; i < queue.length; i++) {
    const data = queue[i]!.data;
    size += 2 + (typeof data === "string" ? utf8Length(data) : data ? Math.ceil(data.length / 3) * 4 : 0);
    if (size > maxPayload && i > 0) return i;
  }
  return queue.length;
}

function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      // A surrogate pair is one 4-byte code point.
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}
