/**
 * Engine topic names for the broadcast fast path. A connection subscribes to
 * one topic per (codec, namespace) when its socket connects, and one per
 * (codec, namespace, room) on join, so a plain room broadcast is one
 * `engine.publish` per codec in use: encoded once, fanned out by uWS.
 *
 * Unit separator (0x1f) between parts: namespaces cannot contain control
 * characters and codec names are identifiers, so names never collide; the
 * room comes last and may contain anything.
 */

const SEPARATOR = "\x1f";
let nextServerTag = 0;

/** A per-server prefix, so two servers mounted on one uWS app never share topics. */
export function createTopicPrefix(): string {
  return `cometa${nextServerTag++}${SEPARATOR}`;
}

/** The topic every socket of `nsp` using `codecName` is subscribed to. */
export function namespaceTopic(prefix: string, codecName: string, nsp: string): string {
  return prefix + codecName + SEPARATOR + nsp;
}

/** The topic of one room. */
export function roomTopic(prefix: string, codecName: string, nsp: string, room: string): string {
  return roomTopicIn(namespaceTopic(prefix, codecName, nsp), room);
}

/** The topic of `room` from its namespace topic (the same string as {@link roomTopic}, one concatenation). */
export function roomTopicIn(namespaceTopicName: string, room: string): string {
  return namespaceTopicName + SEPARATOR + room;
}
