import type { ChatMessage, JoinReply, PresenceNotice, TypingNotice } from "../shared/events.js";
import { compareOffsets } from "./offset-order.js";

/** Where one of our own messages stands: on its way, stored by the server (the tick), or given up. */
export type Delivery = "sending" | "stored" | "failed";

/**
 * A line of a room's timeline: a message, or a notice such as "Ada joined".
 * A message's `offset` is its place in the room's log on the server, once
 * known: from the broadcast that brought it (`socket.offset`), or for our own
 * messages from the ack, whichever came first.
 */
export type TimelineItem =
  | {
      readonly kind: "message";
      message: ChatMessage;
      readonly mine: boolean;
      delivery: Delivery;
      offset: string | undefined;
    }
  | { readonly kind: "notice"; readonly id: string; readonly text: string; readonly at: number };

type MessageItem = Extract<TimelineItem, { kind: "message" }>;

/** One room as the page sees it. */
export interface RoomState {
  readonly name: string;
  /**
   * Messages in the room log's order (by offset) where known, else by time;
   * our messages not yet stored stay last, with the local time until the
   * server's arrives. Notices stay where they were added.
   */
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
  /**
   * Our messages placed by their ack's offset whose echo has not come yet,
   * by room + offset. Only these are matched by offset: an ack's offset names
   * one log entry, whereas an event the server could not log carries the
   * position already reached, which repeats an earlier message's offset.
   */
  readonly #awaitingEcho = new Map<string, MessageItem>();
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
    for (const key of this.#awaitingEcho.keys()) if (key.startsWith(`${name}\n`)) this.#awaitingEcho.delete(key);
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
    target.timeline.push({ kind: "message", message, mine: true, delivery: "sending", offset: undefined });
    this.#emit("timeline", room);
  }

  /**
   * The server stored our message (its ack): the tick, and its place in the
   * log when the ack has the offset and the echo did not bring it first.
   */
  stored(message: ChatMessage, offset?: string): void {
    const room = this.rooms.get(message.room);
    const item = this.#find(message.room, message.id);
    if (room === undefined || item === undefined) return;
    if (item.offset === undefined && offset !== undefined) this.#awaitingEcho.set(`${room.name}\n${offset}`, item);
    this.#settle(room, item, message, offset);
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

  /**
   * A message arrived through the room, with its offset in the room's log
   * (`socket.offset`). The echo of one of ours (same id, or the offset its
   * ack gave) is not shown twice: it confirms and places ours, unless the ack
   * did first.
   */
  received(message: ChatMessage, offset?: string): void {
    const room = this.rooms.get(message.room);
    if (room === undefined) return;
    const known = this.#find(room.name, message.id) ?? (offset === undefined ? undefined : this.#awaitingEcho.get(`${room.name}\n${offset}`));
    // The echo of one placed by its ack has come: its offset names nothing to wait for any more.
    if (known?.offset !== undefined) this.#awaitingEcho.delete(`${room.name}\n${known.offset}`);
    if (known !== undefined) {
      // Already shown: the echo of ours (or a message first seen in a join's history) only settles it.
      if (known.offset === undefined && (offset !== undefined || known.delivery !== "stored")) {
        this.#settle(room, known, message, offset);
        this.#emit("timeline", room.name);
      }
      return;
    }
    this.#insert(room, message, offset);
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

  /** Insert in order unless already there (history merges and broadcasts may overlap). */
  #insert(room: RoomState, message: ChatMessage, offset?: string): boolean {
    if (this.#find(room.name, message.id) !== undefined) return false;
    const item: MessageItem = { kind: "message", message, mine: message.from === this.me, delivery: "stored", offset };
    const { timeline } = room;
    let index = timeline.length;
    while (index > 0 && precedes(item, timeline[index - 1]!)) index--;
    timeline.splice(index, 0, item);
    return true;
  }

  /** A message is stored (our ack, or its echo): the server's copy, its offset if new, and its place by it. */
  #settle(room: RoomState, item: MessageItem, message: ChatMessage, offset: string | undefined): void {
    item.message = message;
    item.delivery = "stored";
    if (item.offset !== undefined || offset === undefined) return;
    item.offset = offset;
    // Move it to its place: back past what it precedes, else forward past what precedes it.
    const { timeline } = room;
    let index = timeline.indexOf(item);
    timeline.splice(index, 1);
    const from = index;
    while (index > 0 && precedes(item, timeline[index - 1]!)) index--;
    if (index === from) while (index < timeline.length && precedes(timeline[index]!, item)) index++;
    timeline.splice(index, 0, item);
  }

  #find(room: string, id: string): MessageItem | undefined {
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

/**
 * Whether message `a` belongs before `b`: by offset when both have one from
 * the same log; ours not yet stored after everything stored; else by time
 * (equal times keep arrival order). Notices have no order: nothing moves past one.
 */
function precedes(a: TimelineItem, b: TimelineItem): boolean {
  if (a.kind !== "message" || b.kind !== "message") return false;
  if (a.offset !== undefined && b.offset !== undefined) {
    const order = compareOffsets(a.offset, b.offset);
    if (order !== undefined) return order < 0;
  }
  const pendingA = a.delivery !== "stored";
  const pendingB = b.delivery !== "stored";
  if (pendingA !== pendingB) return pendingB;
  return a.message.at < b.message.at;
}
