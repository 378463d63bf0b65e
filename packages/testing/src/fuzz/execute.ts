import type { HttpClient } from "./http-client.js";
import type { ExecPlan, HttpPlan, PollingPlan, WsPlan } from "./plans.js";
import { hasResponseHead, RawExchange, responseStatus } from "./raw-exchange.js";
import { closePayload, encodeClientFrames, Opcode, ServerFrameReader } from "./ws-frames.js";

/**
 * Runs one plan against a live server and names how it ended
 * (`ws:101-closed`, `poll:post-400`, `http:400`, …). Outcomes are statistics,
 * not verdicts: the verdicts (crash, hang) come from the process and the
 * canaries, because any reply, including a refusal, is a valid answer to
 * garbage.
 */

/** Where and how patiently to send. */
export interface ExecContext {
  readonly port: number;
  readonly http: HttpClient;
  /** Longest wait for a response head or a polling response, ms. */
  readonly responseMs: number;
  /** Longest wait for the server to close after our last bytes, ms. */
  readonly closeWaitMs: number;
  /**
   * Longest wait for the response to a raw request head, ms. A mutated head
   * often lacks its final CRLF, and the server rightly waits for the rest:
   * keep this short or those mutants dominate the run's time.
   */
  readonly headWaitMs: number;
}

const CLOSE_FRAME = encodeClientFrames([{ opcode: Opcode.CLOSE, payload: closePayload(1000) }]).wire;
const POLLING = "/socket.io/?EIO=4&transport=polling";
const CLOSE_PACKET = new TextEncoder().encode("1");

/** Run `plan`; resolves with its outcome label, never rejects. */
export async function execute(plan: ExecPlan, ctx: ExecContext): Promise<string> {
  try {
    if (plan.kind === "ws") return await executeWs(plan, ctx);
    if (plan.kind === "polling") return await executePolling(plan, ctx);
    return await executeHttp(plan, ctx);
  } catch {
    return `${plan.kind}:client-error`; // our side failed (e.g. EMFILE): not the server's fault, but visible
  }
}

async function executeWs(plan: WsPlan, ctx: ExecContext): Promise<string> {
  let head = plan.head;
  if (plan.upgrade) {
    const open = await handshake(ctx);
    if (typeof open !== "string") return `ws:handshake-${open.failure}`;
    const sid = open;
    head = Buffer.from(Buffer.from(head).toString("latin1").replace("{SID}", sid), "latin1");
  }
  const exchange = await RawExchange.open(ctx.port);
  if (exchange.end !== undefined) return `ws:${exchange.end}`;
  exchange.write(head);
  await exchange.until(hasResponseHead, plan.strategy === "head" ? ctx.headWaitMs : ctx.responseMs);
  const status = responseStatus(exchange.data);
  if (status !== 101) {
    exchange.destroy();
    return `ws:http-${status ?? "none"}`;
  }
  exchange.write(plan.wire);
  exchange.write(CLOSE_FRAME);
  const end = await exchange.close(ctx.closeWaitMs);
  return `ws:${closeCode(exchange.data) ?? "no-close-frame"}-${end}`;
}

/** The status code of the server's close frame in a raw WebSocket exchange (after the 101 head), if any. */
function closeCode(data: Buffer): number | undefined {
  const frames = new ServerFrameReader().push(data.subarray(data.indexOf("\r\n\r\n") + 4));
  const close = frames.find((frame) => frame.opcode === Opcode.CLOSE);
  if (close === undefined) return undefined;
  return close.payload.length >= 2 ? (close.payload[0]! << 8) | close.payload[1]! : 1005;
}

async function executePolling(plan: PollingPlan, ctx: ExecContext): Promise<string> {
  const open = await handshake(ctx);
  if (typeof open !== "string") return `poll:handshake-${open.failure}`;
  const sid = open;
  const path =
    plan.sid === "valid" ? `${POLLING}&sid=${sid}` : plan.sid === "bogus" ? `${POLLING}&sid=${[...sid].reverse().join("")}` : POLLING;
  for (const body of plan.bodies) {
    const result = await ctx.http.send("POST", path, body, ctx.responseMs);
    if (typeof result === "string") return `poll:post-${result}`;
    if (result.status !== 200) return `poll:post-${result.status}`;
  }
  if (plan.ending === "abandon") return "poll:abandoned";
  const result =
    plan.ending === "get"
      ? await ctx.http.send("GET", path, undefined, ctx.responseMs)
      : await ctx.http.send("POST", path, CLOSE_PACKET, ctx.responseMs);
  if (typeof result === "string") return `poll:${plan.ending}-${result}`;
  return result.status === 200 ? "poll:ok" : `poll:${plan.ending}-${result.status}`;
}

async function executeHttp(plan: HttpPlan, ctx: ExecContext): Promise<string> {
  const exchange = await RawExchange.open(ctx.port);
  if (exchange.end !== undefined) return `http:${exchange.end}`;
  exchange.write(plan.bytes);
  await exchange.until(hasResponseHead, ctx.headWaitMs);
  const status = responseStatus(exchange.data);
  // A mutated Content-Length can leave the server waiting for a body that never comes: that is its right.
  await exchange.close(status === undefined ? 0 : 50);
  return `http:${status ?? "none"}`;
}

/** Open a polling session; resolves with its sid, or undefined when the handshake fails. */
export async function pollingHandshake(ctx: ExecContext): Promise<string | undefined> {
  const open = await handshake(ctx);
  return typeof open === "string" ? open : undefined;
}

/** The sid of a new polling session, or why there is none (`429`, `timeout`, `bad-open`, …). */
async function handshake(ctx: ExecContext): Promise<string | { failure: string }> {
  const result = await ctx.http.send("GET", `${POLLING}&t=fuzz`, undefined, ctx.responseMs);
  if (typeof result === "string") return { failure: result };
  if (result.status !== 200) return { failure: String(result.status) };
  const text = result.body.toString("utf8");
  const end = text.indexOf("\x1e");
  try {
    const open = JSON.parse(text.slice(1, end === -1 ? undefined : end)) as { sid?: unknown };
    return typeof open.sid === "string" ? open.sid : { failure: "bad-open" };
  } catch {
    return { failure: "bad-open" };
  }
}
