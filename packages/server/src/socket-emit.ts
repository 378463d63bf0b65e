import { type Packet, PacketType } from "@cometa/protocol";
import { type AckCounter, type AckEntry, type AckOwner, admitsAck, CallbackAck, PromiseAck, refuseAck, TimedCallbackAck } from "./acks.js";
import { assertEmittable } from "./broadcast-operator.js";
import type { Clock } from "./clock.js";
import type { BroadcastFlags } from "./cluster/adapter.js";
import { AckLimitError } from "./errors.js";
import type { Recovery, RecoveryScope } from "./recovery/recovery.js";

/** What emitting to one client needs from its socket. `Socket` implements it. */
export interface EmitHost extends AckOwner, AckCounter {
  readonly id: string;
  readonly nsp: RecoveryScope & {
    nextAckId(): number;
    readonly clock: Clock;
    readonly recovery?: Recovery | undefined;
    readonly server: { readonly options: { readonly maxPendingAcks: number } };
  };
  registerAck(id: number, entry: AckEntry): void;
  notifyOutgoing(data: readonly unknown[]): void;
  _send(packet: Packet, flags: BroadcastFlags): boolean;
}

/**
 * `socket.emit(event, ...args)` with flags: a trailing function asks for an
 * ack (err-first under `timeout`). Returns false when the engine dropped it,
 * or when the socket already awaits `maxPendingAcks` acks: then nothing is
 * sent and the callback gets `AckLimitError` on a microtask.
 *
 * @throws ServerError `RESERVED_EVENT` for a lifecycle event name.
 */
export function emitEvent(host: EmitHost, flags: BroadcastFlags, event: string, args: unknown[]): boolean {
  assertEmittable(event);
  const data: unknown[] = [event, ...args];
  const packet: Packet = { type: PacketType.EVENT, nsp: host.nsp.name, data };
  const last = data[data.length - 1];
  if (typeof last === "function") {
    data.pop();
    const callback = last as (...a: unknown[]) => void;
    const limit = host.nsp.server.options.maxPendingAcks;
    if (!admitsAck(host, limit)) {
      refuseAck(callback, limit, host);
      return false;
    }
    const id = host.nsp.nextAckId();
    packet.id = id;
    host.registerAck(
      id,
      flags.timeout === undefined
        ? new CallbackAck(callback, host)
        : new TimedCallbackAck(callback, host, id, flags.timeout, host.nsp.clock),
    );
  }
  host.notifyOutgoing(data);
  const recovery = host.nsp.recovery;
  // With recovery, an emit to one socket is logged like a broadcast to its own room (as in Socket.IO).
  if (recovery?.isLogged(packet, flags)) {
    const offset = recovery.logBroadcast(host.nsp, packet, { rooms: new Set([host.id]), except: NO_ROOMS, flags });
    if (typeof offset !== "string") return true; // the shared log's feed delivers it
  } else {
    recovery?.stampUnlogged(host.nsp.name, packet);
  }
  return host._send(packet, flags);
}

const NO_ROOMS: ReadonlySet<string> = new Set();

/**
 * `socket.emitWithAck(event, ...args)` with flags: resolves with the first ack
 * argument; rejects with `AckLimitError`, sending nothing, when the socket
 * already awaits `maxPendingAcks` acks.
 */
export function emitEventWithAck(host: EmitHost, flags: BroadcastFlags, event: string, args: unknown[]): Promise<unknown> {
  assertEmittable(event);
  const limit = host.nsp.server.options.maxPendingAcks;
  if (!admitsAck(host, limit)) return Promise.reject(new AckLimitError(limit));
  return new Promise((resolve, reject) => {
    const id = host.nsp.nextAckId();
    const entry = new PromiseAck(resolve, reject, host.nsp.clock);
    if (flags.timeout !== undefined) entry.arm(host, id, flags.timeout);
    host.registerAck(id, entry);
    const data: unknown[] = [event, ...args];
    host.notifyOutgoing(data);
    host._send({ type: PacketType.EVENT, nsp: host.nsp.name, data, id }, flags);
  });
}

/** The function a listener calls to answer a client's ack request: a second call is ignored. */
export function ackResponder(host: EmitHost, id: number, flags: BroadcastFlags): (...args: unknown[]) => void {
  let sent = false;
  return (...args: unknown[]): void => {
    if (sent) return;
    sent = true;
    host._send({ type: PacketType.ACK, nsp: host.nsp.name, id, data: args }, flags);
  };
}
