import type { HandshakeData } from "@cometa/protocol";
import { parseJsonObject } from "./parse-json.js";

/** A timer value a server may send: a positive number of ms that `setTimeout` accepts. */
const isMs = (value: unknown): value is number => typeof value === "number" && value > 0 && value < 2 ** 31;

/**
 * Parses and checks the JSON of an Engine.IO `open` packet (PROTOCOL.md §2.4).
 * Returns undefined for anything that is not a usable handshake, so a broken
 * or hostile server ends the attempt instead of arming timers with NaN.
 *
 * @example
 * ```ts
 * parseHandshake('{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}')
 * ```
 */
export function parseHandshake(data: unknown): HandshakeData | undefined {
  const { sid, upgrades, pingInterval, pingTimeout, maxPayload } = parseJsonObject(data) ?? {};
  if (typeof sid !== "string" || sid === "" || !isMs(pingInterval) || !isMs(pingTimeout)) return undefined;
  return {
    sid,
    upgrades: Array.isArray(upgrades) ? upgrades.filter((u): u is string => typeof u === "string") : [],
    pingInterval,
    pingTimeout,
    // Older or minimal servers omit maxPayload; the reference default is 1e6.
    maxPayload: typeof maxPayload === "number" && maxPayload > 0 ? maxPayload : 1_000_000,
  };
}
