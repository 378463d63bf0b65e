import type { Handshake } from "../handshake.js";
import type { Room, SocketDetails, SocketId } from "./adapter.js";

/**
 * A socket returned by `fetchSockets()`: a local `Socket`, or a proxy for a
 * socket on another node. Both can be emitted to, moved between rooms and
 * disconnected; remote operations travel through the adapter.
 */
export interface RemoteSocket<SocketData = unknown> {
  readonly id: SocketId;
  readonly handshake: Handshake;
  /** Every room of the socket, its own id included (a snapshot taken by `fetchSockets`). */
  readonly rooms: ReadonlySet<Room>;
  readonly data: SocketData;
  emit(event: string, ...args: unknown[]): boolean;
  join(rooms: Room | readonly Room[]): void;
  leave(room: Room): void;
  disconnect(close?: boolean): unknown;
}

/** The cluster operations a proxy needs: a broadcast operator targeting one socket id. */
export interface RemoteSocketOperations {
  emit(id: SocketId, event: string, args: unknown[]): boolean;
  join(id: SocketId, rooms: readonly Room[]): void;
  leave(id: SocketId, rooms: readonly Room[]): void;
  disconnect(id: SocketId, close: boolean): void;
}

/** A socket on another node, built from the details that node sent. */
export class RemoteSocketProxy<SocketData = unknown> implements RemoteSocket<SocketData> {
  readonly id: SocketId;
  readonly handshake: Handshake;
  readonly rooms: ReadonlySet<Room>;
  readonly data: SocketData;

  constructor(
    private readonly operations: RemoteSocketOperations,
    details: SocketDetails,
  ) {
    this.id = details.id;
    this.handshake = details.handshake;
    this.rooms = new Set(details.rooms);
    this.data = details.data as SocketData;
  }

  /** Emit to this socket wherever it lives (a trailing callback asks for an ack, as a broadcast ack: `(err, responses)`). */
  emit(event: string, ...args: unknown[]): boolean {
    return this.operations.emit(this.id, event, args);
  }

  join(rooms: Room | readonly Room[]): void {
    this.operations.join(this.id, typeof rooms === "string" ? [rooms] : rooms);
  }

  leave(room: Room): void {
    this.operations.leave(this.id, [room]);
  }

  disconnect(close = false): this {
    this.operations.disconnect(this.id, close);
    return this;
  }
}
