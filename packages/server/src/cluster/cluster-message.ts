import type { Packet } from "@cometa/protocol";
import type { BroadcastFlags, BroadcastOptions, Room, SocketDetails } from "./adapter.js";

/**
 * The cluster protocol: what nodes tell each other, independent of the
 * transport (a backplane only publishes these objects). Type numbers follow
 * socket.io-adapter's `ClusterAdapter` (PROTOCOL.md §5.2), which keeps a future
 * compatibility mode cheap.
 *
 * Messages are plain data (arrays, not Sets) so any backplane can serialise
 * them; packets may hold `Uint8Array`s, so a backplane needs a binary-capable
 * encoding (MessagePack) when `data` carries binary.
 */
export const ClusterMessageType = {
  INITIAL_HEARTBEAT: 1,
  HEARTBEAT: 2,
  BROADCAST: 3,
  SOCKETS_JOIN: 4,
  SOCKETS_LEAVE: 5,
  DISCONNECT_SOCKETS: 6,
  FETCH_SOCKETS: 7,
  FETCH_SOCKETS_RESPONSE: 8,
  SERVER_SIDE_EMIT: 9,
  SERVER_SIDE_EMIT_RESPONSE: 10,
  BROADCAST_CLIENT_COUNT: 11,
  BROADCAST_ACK: 12,
  ADAPTER_CLOSE: 13,
} as const;

/** A cluster message type number. */
export type ClusterMessageType = (typeof ClusterMessageType)[keyof typeof ClusterMessageType];

/** `BroadcastOptions` as it travels: rooms as arrays. */
export interface WireBroadcastOptions {
  readonly rooms: readonly Room[];
  readonly except: readonly Room[];
  readonly flags: BroadcastFlags;
}

/** Payload of each message type. */
export interface ClusterMessageData {
  [ClusterMessageType.INITIAL_HEARTBEAT]: undefined;
  [ClusterMessageType.HEARTBEAT]: undefined;
  [ClusterMessageType.ADAPTER_CLOSE]: undefined;
  /** `requestId` is set when the sender wants client counts and acks back. */
  [ClusterMessageType.BROADCAST]: { opts: WireBroadcastOptions; packet: Packet; requestId?: string };
  [ClusterMessageType.SOCKETS_JOIN]: { opts: WireBroadcastOptions; rooms: readonly Room[] };
  [ClusterMessageType.SOCKETS_LEAVE]: { opts: WireBroadcastOptions; rooms: readonly Room[] };
  [ClusterMessageType.DISCONNECT_SOCKETS]: { opts: WireBroadcastOptions; close: boolean };
  [ClusterMessageType.FETCH_SOCKETS]: { opts: WireBroadcastOptions; requestId: string };
  [ClusterMessageType.FETCH_SOCKETS_RESPONSE]: { requestId: string; sockets: SocketDetails[] };
  [ClusterMessageType.SERVER_SIDE_EMIT]: { packet: readonly unknown[]; requestId?: string };
  [ClusterMessageType.SERVER_SIDE_EMIT_RESPONSE]: { requestId: string; packet: unknown };
  /** `clientCount` −1 means "one counted client left before answering". */
  [ClusterMessageType.BROADCAST_CLIENT_COUNT]: { requestId: string; clientCount: number };
  [ClusterMessageType.BROADCAST_ACK]: { requestId: string; packet: unknown };
}

/** One message between nodes of a namespace. */
export type ClusterMessage = {
  [T in ClusterMessageType]: {
    /** Sender node id (echo suppression, responses). */
    readonly uid: string;
    readonly nsp: string;
    readonly type: T;
    readonly data: ClusterMessageData[T];
  };
}[ClusterMessageType];

/** Options → wire form. */
export function toWireOptions(opts: BroadcastOptions): WireBroadcastOptions {
  return { rooms: [...opts.rooms], except: [...opts.except], flags: opts.flags };
}

/** Wire form → options (tolerates missing fields from other implementations). */
export function fromWireOptions(opts: Partial<WireBroadcastOptions> | undefined): BroadcastOptions {
  return { rooms: new Set(opts?.rooms ?? []), except: new Set(opts?.except ?? []), flags: opts?.flags ?? {} };
}
