import { type ConnectOptions, ConnectError, connect, type Socket, type TransportName } from "@cometa/client";
import { CHAT_NAMESPACE, type ChatAuth, type ChatFailure, type ClientToServer, type ServerToClient } from "../shared/events.js";
import type { ChatState } from "./chat-state.js";
import { newMessageId } from "./message-id.js";

/** The connection as the page shows it. */
export type ConnectionStatus =
  | { readonly kind: "connecting" }
  | { readonly kind: "online"; readonly transport: TransportName }
  | { readonly kind: "reconnecting"; readonly attempt: number }
  | { readonly kind: "refused"; readonly failure: ChatFailure }
  | { readonly kind: "stopped" };

/** Options of {@link ChatClient}. */
export interface ChatClientOptions {
  readonly name: string;
  /** Force one transport (`?transport=polling` on the page); default: WebSocket, then long-polling. */
  readonly transports?: TransportName[];
  readonly onStatus: (status: ConnectionStatus) => void;
  /** Where `/chat` is. Default: on the page's own origin. */
  readonly url?: string;
  /** More connection options (tests: `forceNew`, the reconnection delays). */
  readonly connectOptions?: ConnectOptions<"msgpack" | "text">;
}

/**
 * The page's connection to `/chat`, typed with the events shared with the
 * server (`Socket<ServerToClient, ClientToServer>`).
 *
 * Reliability comes from the client: `retries` re-sends a message whose ack
 * did not come back (same id each time, so the server stores it once), and
 * emits made while disconnected wait and leave after reconnection. The server
 * has connection state recovery: after a short outage the messages missed
 * arrive before `connect` (`socket.recovered`); otherwise the page joins its
 * rooms again to catch up on history. `auth` is a function, so the server
 * also gets the current room list with every CONNECT.
 *
 * Read-your-writes: a message goes to the whole room, us included, and its ack
 * carries the offset of that broadcast. Whichever of the ack and the echo
 * comes first places our message in the room's order; the other is dropped.
 */
export class ChatClient {
  readonly socket: Socket<ServerToClient, ClientToServer>;
  #transport: TransportName | undefined;
  #online = false;

  constructor(
    private readonly state: ChatState,
    private readonly options: ChatClientOptions,
  ) {
    const auth = (): ChatAuth => ({ name: options.name, rooms: [...state.rooms.keys()] });
    this.socket = connect<ServerToClient, ClientToServer>(options.url ?? CHAT_NAMESPACE, {
      ...options.connectOptions,
      auth: (cb) => cb({ ...auth() }),
      retries: 3,
      ackTimeout: 10_000,
      reconnectionDelayMax: 3000,
      ...(options.transports ? { transports: options.transports } : {}),
    });
    this.#wire();
    options.onStatus({ kind: "connecting" });
  }

  /** Join a room; resolves with the server's refusal, if any (a lost join is repeated on reconnection). */
  async join(room: string): Promise<ChatFailure | undefined> {
    this.state.addRoom(room);
    const reply = await this.socket.emitWithAck("join", room).catch(() => undefined);
    if (reply === undefined) return undefined;
    if (!reply.ok) {
      this.state.removeRoom(room);
      return reply;
    }
    this.state.joined(reply);
    return undefined;
  }

  leave(room: string): void {
    this.state.removeRoom(room);
    this.socket.emit("leave", room);
  }

  /** Show the message at once with a pending mark; the ack turns it into a tick. */
  send(room: string, text: string): void {
    const id = newMessageId();
    this.state.sending(room, id, text);
    this.#transmit(room, id, text);
  }

  /** Send a failed message again, with the same id (stored once even if the first try did arrive). */
  retry(room: string, id: string, text: string): void {
    this.state.retrying(room, id);
    this.#transmit(room, id, text);
  }

  /** Typing notices are volatile: dropped rather than delivered late. */
  typing(room: string, typing: boolean): void {
    if (this.#online) this.socket.volatile.emit("typing", room, typing);
  }

  #transmit(room: string, id: string, text: string): void {
    this.socket.emitWithAck("message", { id, room, text }).then(
      (reply) => (reply.ok ? this.state.stored(reply.message, reply.offset) : this.state.failed(room, id)),
      () => this.state.failed(room, id),
    );
  }

  #wire(): void {
    const { socket, state, options } = this;
    socket.on("connect", () => {
      this.#online = true;
      options.onStatus({ kind: "online", transport: this.#transport ?? "websocket" });
      // Recovered: what we missed (messages, presence) was replayed before this event; only rooms whose join was
      // never confirmed need a call. Otherwise a fresh session: join every room again, its history fills the gap.
      for (const room of [...state.rooms.values()]) if (!socket.recovered || !room.joined) void this.join(room.name);
    });
    socket.on("disconnect", (reason) => {
      this.#online = false;
      // The server told us to go: the client does not reconnect by itself in that case.
      options.onStatus(reason === "io server disconnect" ? { kind: "stopped" } : { kind: "reconnecting", attempt: 0 });
    });
    socket.on("connect_error", (err) => {
      const failure = err instanceof ConnectError ? (err.data as ChatFailure | undefined) : undefined;
      if (failure?.code !== undefined) options.onStatus({ kind: "refused", failure });
      else if (!this.#online) options.onStatus({ kind: "reconnecting", attempt: 0 });
    });
    socket.io.on("reconnect_attempt", (attempt) => options.onStatus({ kind: "reconnecting", attempt }));
    socket.io.on("transport", (name) => {
      this.#transport = name;
      if (this.#online) options.onStatus({ kind: "online", transport: name });
    });
    // `socket.offset` is this message's place in the room's log (Cometa's client keeps it out of the arguments).
    socket.on("message", (message) => state.received(message, socket.offset));
    socket.on("presence", (notice) => state.presence(notice));
    socket.on("typing", (notice) => state.typing(notice));
  }

  /** Stop for good (changing name). */
  close(): void {
    this.socket.disconnect();
  }
}
