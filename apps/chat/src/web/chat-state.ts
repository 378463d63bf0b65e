import type { ChatMessage, JoinReply, PresenceNotice, TypingNotice } from "../shared/events.js";

/** Where one of our own messages stands: on its way, stored by the server (the tick), or given up. */
export type Delivery = "sending" | "stored" | "failed";

/** A line of a room's timeline: a message, or a notice such as "Ada joined". */
export type TimelineItem =
  | { readonly kind: "message"; readonly message: ChatMessage; readonly mine: boolean; delivery: Delivery }
  | { readonly kind: "notice"; readonly id: string; readonly text: string; readonly at: number };

/** One room as the page sees it. */
export interface RoomState {
  readonly name: string;
  /** Sorted by time; our pending messages carry the local time until the server's arrives. */
  readonly timeline: TimelineItem[];
  /** Members' names (each once, sorted). */
  members: readonly string[];
  /** Who is typing, with when their notice expires (ms, page clock). */
  readonly typing: Map<string, number>;
  /** Messages received while another room was shown. */
  unread: number;
  /** Whether the server confirmed the join (history and members are loaded). */
  joined: boolean;
}

/** What changed, so that views redraw only their part. */
export type StateChange = "rooms" | "timeline" | "members" | "typing";

/** A typing notice lasts this long unless renewed (senders renew every few seconds while typing). */
export const TYPING_TTL_MS = 6000;

let noticeCount = 0;

/**
 * The page's model: rooms, their timelines, members and typing notices, and
 * which room is shown. No DOM and no socket here: `ChatClient` feeds it and
 * the views read it, after `onChange`.
 */
export class ChatState {
  readonly rooms = new Map<string, RoomState>();
  #active: string | undefined;
  #listeners: ((change: StateChange, room: string | undefined) => void)[] = [];

  constructor(
    /** Our display name, to tell our messages from others'. */
    readonly me: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The room shown. */
  get active(): RoomState | undefined {
    return this.#active === undefined ? undefined : this.rooms.get(this.#active);
  }

  onChange(listener: (change: StateChange, room: string | undefined) => void): void {
    this.#listeners.push(listener);
  }

  /** Add a room (not yet confirmed by the server); no-op when present. */
  addRoom(name: string): RoomState {
    let room = this.rooms.get(name);
    if (room === undefined) {
      room = { name, timeline: [], members: [], typing: new Map(), unread: 0, joined: false };
      this.rooms.set(name, room);
      this.#emit("rooms", name);
    }
    return room;
  }

  removeRoom(name: string): void {
    if (!this.rooms.delete(name)) return;
    if (this.#active === name) this.#active = this.rooms.keys().next().value;
    this.#emit("rooms", name);
    this.#emit("timeline", this.#active);
  }

  /** Show `name` and clear its unread count. */
  show(name: string): void {
    const room = this.rooms.get(name);
    if (room === undefined) return;
    this.#active = name;
    room.unread = 0;
    this.#emit("rooms", name);
    this.#emit("timeline", name);
    this.#emit("members", name);
    this.#emit("typing", name);
  }

  /** The server's answer to a join (also after every reconnection): merge its history, take its member list. */
  joined(reply: Extract<JoinReply, { ok: true }>): void {
    const room = this.addRoom(reply.room);
    room.joined = true;
    for (const message of reply.history) this.#insert(room, message);
    room.members = reply.members;
    this.#emit("timeline", room.name);
    this.#emit("members", room.name);
    this.#emit("rooms", room.name);
  }

  /** A message we are sending: shown right away, with a pending mark. */
  sending(room: string, id: string, text: string): void {
    const target = this.addRoom(room);
    const message: ChatMessage = { id, room, from: this.me, text, at: this.now() };
    target.timeline.push({ kind: "message", message, mine: true, delivery: "sending" });
    this.#emit("timeline", room);
  }

  /** The server stored our message (its ack): the tick. */
  stored(message: ChatMessage): void {
    const item = this.#find(message.room, message.id);
    if (item === undefined) return;
    item.delivery = "stored";
    this.#emit("timeline", message.room);
  }

  /** Our message could not be delivered (retries exhausted, or refused). */
  failed(room: string, id: string): void {
    const item = this.#find(room, id);
    if (item === undefined) return;
    item.delivery = "failed";
    this.#emit("timeline", room);
  }

  /** A failed message of ours is being sent again. */
  retrying(room: string, id: string): void {
    const item = this.#find(room, id);
    if (item === undefined) return;
    item.delivery = "sending";
    this.#emit("timeline", room);
  }

  /** Someone's message arrived. */
  received(message: ChatMessage): void {
    const room = this.rooms.get(message.room);
    if (room === undefined) return;
    if (!this.#insert(room, message)) return;
    // Their message is what they were typing.
    room.typing.delete(message.from);
    if (room !== this.active) {
      room.unread++;
      this.#emit("rooms", room.name);
    }
    this.#emit("timeline", room.name);
    this.#emit("typing", room.name);
  }

  presence(notice: PresenceNotice): void {
    const room = this.rooms.get(notice.room);
    if (room === undefined) return;
    const wasMember = room.members.includes(notice.name);
    const isMember = notice.members.includes(notice.name);
    room.members = notice.members;
    // A second tab of the same name coming or going changes nothing worth a line.
    if (wasMember !== isMember) {
      const text = `${notice.name} ${isMember ? "joined" : "left"}`;
      room.timeline.push({ kind: "notice", id: `notice-${++noticeCount}`, text, at: this.now() });
      if (!isMember) room.typing.delete(notice.name);
      this.#emit("timeline", room.name);
      this.#emit("typing", room.name);
    }
    this.#emit("members", room.name);
  }

  typing(notice: TypingNotice): void {
    const room = this.rooms.get(notice.room);
    if (room === undefined || notice.name === this.me) return;
    if (notice.typing) room.typing.set(notice.name, this.now() + TYPING_TTL_MS);
    else room.typing.delete(notice.name);
    this.#emit("typing", room.name);
  }

  /** Names typing in `room` now, expired notices dropped. */
  typingIn(room: RoomState): string[] {
    const now = this.now();
    for (const [name, until] of room.typing) if (until <= now) room.typing.delete(name);
    return [...room.typing.keys()].sort((a, b) => a.localeCompare(b));
  }

  /** Insert by time unless already there (history merges and broadcasts may overlap). */
  #insert(room: RoomState, message: ChatMessage): boolean {
    if (this.#find(room.name, message.id) !== undefined) return false;
    const { timeline } = room;
    let index = timeline.length;
    while (index > 0 && timeline[index - 1]!.kind === "message" && itemTime(timeline[index - 1]!) > message.at) index--;
    timeline.splice(index, 0, { kind: "message", message, mine: message.from === this.me, delivery: "stored" });
    return true;
  }

  #find(room: string, id: string): Extract<TimelineItem, { kind: "message" }> | undefined {
    const timeline = this.rooms.get(room)?.timeline ?? [];
    for (let i = timeline.length - 1; i >= 0; i--) {
      const item = timeline[i]!;
      if (item.kind === "message" && item.message.id === id) return item;
    }
    return undefined;
  }

  #emit(change: StateChange, room: string | undefined): void {
    for (const listener of this.#listeners) listener(change, room);
  }
}

function itemTime(item: TimelineItem): number {
  return item.kind === "message" ? item.message.at : item.at;
}
