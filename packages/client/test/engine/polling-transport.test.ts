import type { EnginePacket } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import type { RequestInitLike } from "../../src/engine/platform.js";
import { countFitting, createPollingTransport } from "../../src/engine/polling-transport.js";
import type { TransportHandler } from "../../src/engine/transport.js";
import { createFakeClock } from "./fake-clock.js";
import { testOptions } from "./fake-transport.js";

interface PendingRequest {
  readonly url: string;
  readonly init: RequestInitLike;
  /** Whether the response body was read (an unread body pins the connection: CLOSE-WAIT). */
  bodyRead: boolean;
  respond(status: number, body: string, headers?: Record<string, string>): Promise<unknown>;
  reject(error: Error): Promise<unknown>;
}

/** Settles pending promise chains (fetch → text → handler). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function rig(overrides: Parameters<typeof testOptions>[1] = {}) {
  const requests: PendingRequest[] = [];
  const fetch = (url: string, init: RequestInitLike) =>
    new Promise((resolve, reject) => {
      const request: PendingRequest = {
        url,
        init,
        bodyRead: false,
        respond: (status, body, headers = {}) => {
          const text = async () => {
            request.bodyRead = true;
            return body;
          };
          resolve({ status, headers: { get: (n: string) => headers[n.toLowerCase()] ?? null }, text });
          return settle();
        },
        reject: (error) => {
          reject(error);
          return settle();
        },
      };
      requests.push(request);
    });
  const events: unknown[] = [];
  const handler: TransportHandler = {
    onTransportOpen: () => events.push("open"),
    onTransportPacket: (p) => events.push(p),
    onTransportDrain: () => events.push("drain"),
    onTransportError: (reason, detail) => events.push({ reason, detail }),
  };
  const clock = createFakeClock();
  let n = 0;
  const transport = createPollingTransport(
    { options: testOptions(clock, { fetch: fetch as never, ...overrides }), clock, url: () => `http://x/?n=${n++}` },
    handler,
  );
  const inFlight = (method: string) => requests.filter((r) => r.init.method === method);
  return { transport, requests, events, inFlight };
}

const msg = (data: string): EnginePacket => ({ type: "message", data });

describe("polling transport", () => {
  it("polls in a loop, decoding 0x1E payloads with base64 binary", async () => {
    const { requests, events } = rig();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.init.method).toBe("GET");
    await requests[0]!.respond(200, "4hello\x1ebAQIDBA==");
    expect(events).toEqual([msg("hello"), { type: "message", data: new Uint8Array([1, 2, 3, 4]) }]);
    expect(requests).toHaveLength(2); // next GET, fresh URL
    expect(requests[1]!.url).not.toBe(requests[0]!.url);
  });

  it("keeps one POST in flight and reports drain; encodes binary as base64", async () => {
    const { transport, requests, events, inFlight } = rig();
    expect(transport.writable).toBe(true);
    const queue = [msg("a"), { type: "message", data: new Uint8Array([1, 2, 3, 4]) } as EnginePacket];
    transport.write(queue, 1000);
    expect(transport.writable).toBe(false);
    await settle();
    expect(queue).toEqual([]);
    const [post] = inFlight("POST");
    expect(post!.init.body).toBe("4a\x1ebAQIDBA==");
    expect(typeof post!.init.body).toBe("string"); // so fetch sends it as text/plain;charset=UTF-8
    expect(post!.init.credentials).toBe("same-origin");
    await post!.respond(200, "ok");
    expect(events).toEqual(["drain"]);
    expect(transport.writable).toBe(true);
    expect(requests.filter((r) => r.init.method === "GET")).toHaveLength(1);
  });

  it("POSTs the packets queued in the same tick together, one microtask after write", async () => {
    const { transport, inFlight } = rig();
    const queue = [msg("a")];
    transport.write(queue, 1000);
    // What the engine queues later in the same tick (transport not writable meanwhile) joins the same POST.
    queue.push(msg("b"), msg("c"));
    expect(inFlight("POST")).toHaveLength(0);
    await settle();
    expect(inFlight("POST").map((r) => r.init.body)).toEqual(["4a\x1e4b\x1e4c"]);
    expect(queue).toEqual([]);
  });

  it("sends extraHeaders and credentials: include when withCredentials", () => {
    const { requests } = rig({ withCredentials: true, extraHeaders: { authorization: "Bearer t" } });
    expect(requests[0]!.init.credentials).toBe("include");
    expect(requests[0]!.init.headers).toEqual({ authorization: "Bearer t" });
  });

  it("takes only what fits maxPayload per POST", () => {
    const queue = [msg("x".repeat(40)), msg("y".repeat(40)), msg("z".repeat(40))];
    expect(countFitting(queue, 90)).toBe(2); // 42 + 42 ≤ 90 < 126
    expect(countFitting(queue, 10)).toBe(1); // an oversized packet still goes alone
    expect(countFitting([msg("é€😀")], 9)).toBe(1);
    expect(countFitting([msg("é€😀"), msg("")], 11)).toBe(1); // 2+3+4 +2 = 11, then +2 > 11
    expect(countFitting([{ type: "message", data: new Uint8Array(6) }, msg("")], 12)).toBe(2); // b64 8 +2 +2
  });

  it("pause waits for the in-flight GET and POST, then stops polling; resume restarts", async () => {
    const { transport, requests, events, inFlight } = rig();
    transport.write([msg("a")], 1000);
    let paused = false;
    transport.pause(() => {
      paused = true;
    });
    expect(transport.writable).toBe(false);
    await settle();
    await inFlight("POST")[0]!.respond(200, "ok");
    expect(paused).toBe(false);
    await requests[0]!.respond(200, "6");
    expect(paused).toBe(true);
    expect(requests).toHaveLength(2); // no new GET while paused
    expect(events).toEqual([{ type: "noop" }]);
    transport.resume();
    expect(requests).toHaveLength(3);
    expect(events.at(-1)).toBe("drain");
  });

  it("reports a non-200 as transport error with status and body, then stops", async () => {
    const { requests, events } = rig();
    await requests[0]!.respond(400, '{"code":1,"message":"Session ID unknown"}', { "content-type": "application/json" });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: "transport error", detail: { status: 400, body: { code: 1 } } });
    expect(requests).toHaveLength(1);
  });

  it("reports a network failure once", async () => {
    const { transport, requests, events, inFlight } = rig();
    transport.write([msg("a")], 1000);
    await requests[0]!.reject(new TypeError("fetch failed"));
    await inFlight("POST")[0]!.reject(new TypeError("fetch failed"));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ reason: "transport error" });
  });

  it("graceful close POSTs after the in-flight POST the farewell packets, then 1 on its own, then aborts the parked GET", async () => {
    const { transport, requests, events, inFlight } = rig();
    transport.write([msg("a")], 1000);
    transport.close([msg("41")]);
    transport.close([]);
    await settle();
    expect(inFlight("POST").map((r) => r.init.body)).toEqual(["4a"]);
    await inFlight("POST")[0]!.respond(200, "ok");
    // Not "441\x1e1": socket.io 4 would act on the close before the DISCONNECT and report `transport close`.
    expect(inFlight("POST").map((r) => r.init.body)).toEqual(["4a", "441"]);
    await inFlight("POST")[1]!.respond(200, "ok");
    expect(inFlight("POST").map((r) => r.init.body)).toEqual(["4a", "441", "1"]);
    const signal = requests[0]!.init.signal as AbortSignal;
    expect(signal.aborted).toBe(false);
    await inFlight("POST")[2]!.respond(200, "ok");
    expect(signal.aborted).toBe(true);
    await requests[0]!.respond(200, "4late");
    expect(events).toEqual([]); // nothing after close
    // Every body was read, the farewell's and the late GET's included.
    expect(requests.map((r) => r.bodyRead)).toEqual([true, true, true, true]);
  });

  it("a silent close before the deferred POST sends nothing", async () => {
    const { transport, inFlight } = rig();
    transport.write([msg("a")], 1000);
    transport.close();
    await settle();
    expect(inFlight("POST")).toHaveLength(0);
  });

  it("reads the body of a failed response too", async () => {
    const { requests } = rig();
    await requests[0]!.respond(503, "busy", { "retry-after": "1" });
    expect(requests[0]!.bodyRead).toBe(true);
  });

  it("silent close aborts at once and sends nothing", async () => {
    const { transport, requests } = rig();
    transport.close();
    expect((requests[0]!.init.signal as AbortSignal).aborted).toBe(true);
    await settle();
    expect(requests).toHaveLength(1);
  });
});
