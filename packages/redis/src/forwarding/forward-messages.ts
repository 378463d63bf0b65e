import type { EngineRequest, ForwardFailure, HeaderPair } from "./engine-types.js";

/**
 * The forwarding wire format: JSON text on plain pub/sub channels, one
 * request channel and one response channel per node (SUBSCRIBE, never
 * PSUBSCRIBE: Redis matches every pattern against every published message).
 * Polling payloads are text in Engine.IO v4, so bodies travel as strings.
 * A request and its abort go to the same channel from the same connection,
 * so Redis delivers them in that order.
 */

/** Channel names of one node. */
export interface NodeChannels {
  /** Requests (and their aborts) forwarded to this node. */
  readonly requests: string;
  /** Responses to requests this node forwarded. */
  readonly responses: string;
}

/** The channels of `nodeId` under `prefix`. */
export function nodeChannels(prefix: string, nodeId: string): NodeChannels {
  return { requests: `${prefix}#fwd#${nodeId}#req`, responses: `${prefix}#fwd#${nodeId}#res` };
}

/** A forwarded request: edge → owner. */
export interface RequestMessage {
  readonly k: "q";
  /** Request id, unique per edge node. */
  readonly i: number;
  /** The edge's node id (where the response goes). */
  readonly f: string;
  /** The request as received at the edge. */
  readonly r: EngineRequest;
  /** POST body; null for other methods or a POST refused at the edge. */
  readonly b: string | null;
  /** No response wanted: the edge already answered (a POST refused at the edge). */
  readonly n?: 1;
}

/** The edge's client went away, or the edge stopped waiting: edge → owner. */
export interface AbortMessage {
  readonly k: "x";
  readonly i: number;
  readonly f: string;
}

/** The owner's answer: owner → edge. */
export interface ResponseMessage {
  readonly i: number;
  /** Status line text (`"200 OK"`), or absent with `e`. */
  readonly s?: string;
  readonly h?: readonly HeaderPair[];
  readonly b?: string;
  /** Close the client's connection after the response (a 413 with an unread body). */
  readonly c?: 1;
  /** Milliseconds the owner held the request (a parked GET waits for data): not latency the forwarding added. */
  readonly d: number;
  /** The owner could not serve it. */
  readonly e?: ForwardFailure;
}

/** Parse a message from a request channel; undefined when malformed (a foreign publisher, a version skew). */
export function parseInbound(text: string): RequestMessage | AbortMessage | undefined {
  const message = parseObject(text);
  if (message === undefined || typeof message.i !== "number" || typeof message.f !== "string") return undefined;
  if (message.k === "x") return message as unknown as AbortMessage;
  if (message.k !== "q") return undefined;
  const r = message.r as Partial<EngineRequest> | undefined;
  const validRequest =
    typeof r === "object" &&
    r !== null &&
    typeof r.method === "string" &&
    typeof r.url === "string" &&
    typeof r.query === "object" &&
    r.query !== null &&
    typeof r.headers === "object" &&
    r.headers !== null &&
    typeof r.address === "string";
  if (!validRequest || (message.b !== null && typeof message.b !== "string")) return undefined;
  return message as unknown as RequestMessage;
}

/** Parse a message from a response channel; undefined when malformed. */
export function parseResponse(text: string): ResponseMessage | undefined {
  const message = parseObject(text);
  if (message === undefined || typeof message.i !== "number" || typeof message.d !== "number") return undefined;
  if (message.e !== undefined) return message as unknown as ResponseMessage;
  if (typeof message.s !== "string" || typeof message.b !== "string" || !Array.isArray(message.h)) return undefined;
  return message as unknown as ResponseMessage;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
