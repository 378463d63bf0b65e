import type { ChatFailure, JoinReply, SendReply } from "../shared/events.js";
import { checkDraft, checkRoom, fail, MAX_ROOMS_PER_USER } from "../shared/validation.js";
import type { ChatNamespace, ChatSocket } from "./chat-types.js";
import type { MessageStore } from "./message-store.js";
import { RateLimit } from "./rate-limit.js";

/** Messages a socket may post at once, then per second on average. */
const MESSAGE_RATE = { burst: 20, perSecond: 5 } as const;

/**
 * One visitor's socket in `/chat`: its rooms, messages and typing notices.
 * Messages go to the whole room with their log offset (read-your-writes),
 * typing notices stay volatile.
 *
 * Every handler checks what arrives, because any Socket.IO client can send
 * anything: a bad value gets a failed ack reply with a code (or is ignored
 * when the sender asked for no reply); nothing throws.
 */
export class ChatSession {
  readonly #limit: RateLimit;

  constructor(
    private readonly socket: ChatSocket,
    private readonly nsp: ChatNamespace,
    private readonly store: MessageStore,
    now: () => number,
  ) {
    this.#limit = new RateLimit(now, MESSAGE_RATE);
  }

  /** Wire the socket's events, and enter the rooms it asked for in `auth` (a reconnecting page's rooms). */
  start(): void {
    const { socket } = this;
    socket.on("join", (room, ack) => void this.onJoin(room, ack));
    socket.on("leave", (room) => this.onLeave(room));
    socket.on("message", (draft, ack) => void this.onMessage(draft, ack));
    socket.on("typing", (room, typing) => this.onTyping(room, typing));
    // Rooms are still readable in `disconnecting`; in `disconnect` the socket is out of them.
    socket.on("disconnecting", () => {
      const rooms = [...socket.rooms].filter((room) => room !== socket.id);
      socket.on("disconnect", () => {
        for (const room of rooms) void this.announce(room, false);
      });
    });
    // A recovered socket is back in its rooms (and its room mates got what it missed): tell them it is back,
    // since they were told it left.
    if (socket.recovered) for (const room of socket.rooms) if (room !== socket.id) void this.announce(room, true);
    const asked = (socket.handshake.auth as { rooms?: unknown }).rooms;
    if (Array.isArray(asked)) {
      for (const value of asked.slice(0, MAX_ROOMS_PER_USER)) {
        const room = checkRoom(value);
        if (room.ok) this.enter(room.value);
      }
    }
  }

  private async onJoin(value: unknown, ack: unknown): Promise<void> {
    if (typeof ack !== "function") return;
    (ack as (reply: JoinReply) => void)(await this.join(value));
  }

  private async join(value: unknown): Promise<JoinReply> {
    const room = checkRoom(value);
    if (!room.ok) return room;
    const refused = this.enter(room.value);
    if (refused !== undefined) return refused;
    const history = this.store.history(room.value);
    return { ok: true, room: room.value, history, members: await this.members(room.value) };
  }

  private onLeave(value: unknown): void {
    const room = checkRoom(value);
    if (!room.ok || !this.socket.rooms.has(room.value)) return;
    this.socket.leave(room.value);
    void this.announce(room.value, false);
  }

  private async onMessage(value: unknown, ack: unknown): Promise<void> {
    // A message without an ack callback cannot be confirmed: the page always asks for one.
    if (typeof ack !== "function") return;
    (ack as (reply: SendReply) => void)(await this.post(value));
  }

  private async post(value: unknown): Promise<SendReply> {
    if (!this.#limit.take()) return fail("RATE_LIMITED", "Slow down a little.");
    const draft = checkDraft(value);
    if (!draft.ok) return draft;
    // Posting to a room makes you a member: after a restart the page's queued messages may arrive before its joins.
    const refused = this.enter(draft.value.room);
    if (refused !== undefined) return refused;
    const { message, fresh, offset: known } = this.store.add(draft.value, this.socket.data.name);
    if (!fresh) return { ok: true, message, offset: known };
    // Read-your-writes: the whole room gets it, the sender included, and the ack carries the offset that copy
    // carries. The page places its message by that offset and drops the echo (whichever comes first wins): one
    // order for everyone, the log's. (With Redis the echo may come before or after the ack.)
    const offset = await this.nsp
      .to(message.room)
      .emitWithOffset("message", message)
      .catch(() => undefined);
    if (offset !== undefined) this.store.placed(message, offset);
    return { ok: true, message, offset };
  }

  private onTyping(value: unknown, typing: unknown): void {
    const room = checkRoom(value);
    if (!room.ok || typeof typing !== "boolean" || !this.socket.rooms.has(room.value)) return;
    // Volatile: a typing notice that cannot leave right now is worthless a second later.
    this.socket.volatile.to(room.value).emit("typing", { room: room.value, name: this.socket.data.name, typing });
  }

  /** Join `room` (no-op when already in it) and tell its members; a failure when at the room limit. */
  private enter(room: string): ChatFailure | undefined {
    const rooms = this.socket.rooms;
    if (rooms.has(room)) return undefined;
    // `rooms` includes the socket's own room.
    if (rooms.size > MAX_ROOMS_PER_USER) return fail("TOO_MANY_ROOMS", `You can be in at most ${MAX_ROOMS_PER_USER} rooms.`);
    this.socket.join(room);
    void this.announce(room, true);
    return undefined;
  }

  /** Tell a room that someone entered or left, with its member list (cluster-wide). */
  private async announce(room: string, present: boolean): Promise<void> {
    const members = await this.members(room);
    this.nsp.to(room).except(this.socket.id).emit("presence", { room, name: this.socket.data.name, present, members });
  }

  /** Display names in `room`, each once, sorted; from every instance when rooms are shared through Redis. */
  private async members(room: string): Promise<string[]> {
    try {
      const sockets = await this.nsp.in(room).fetchSockets();
      return [...new Set(sockets.map((s) => s.data.name))].sort((a, b) => a.localeCompare(b));
    } catch {
      // An instance that did not answer in time: a partial list beats none.
      return [];
    }
  }
}
