import type { ChatMessage, MessageDraft } from "../shared/events.js";
import { HISTORY_SIZE } from "../shared/validation.js";

/** Rooms whose history is kept; past it the least recently posted-to room is forgotten. */
const MAX_ROOMS = 1000;

interface RoomLog {
  /** Oldest first, at most `historySize`. */
  readonly messages: ChatMessage[];
  /** The same messages by `from` + draft id, to recognise a retransmitted draft. */
  readonly byKey: Map<string, ChatMessage>;
  /** Their offsets in the room's broadcast log, once known (by the same key). */
  readonly offsets: Map<string, string>;
}

/** What {@link MessageStore.add} did with a draft. */
export interface StoredMessage {
  readonly message: ChatMessage;
  /** False when this draft was stored before (a retransmission): do not broadcast it again. */
  readonly fresh: boolean;
  /** For a retransmission, the offset its first broadcast got (see {@link MessageStore.placed}), if known. */
  readonly offset: string | undefined;
}

/**
 * Recent messages per room, in memory. Bounded twice (messages per room and
 * rooms), so a client cannot grow it without limit. Idempotent per sender and
 * draft id: the page's client retransmits a message whose ack was lost
 * (`retries`), and a retransmission must not show up twice.
 *
 * With several instances behind Redis, each keeps its own history: a message
 * reaches every member through the adapter, but the history a newcomer gets is
 * what their instance saw.
 *
 * @example
 * ```ts
 * const store = new MessageStore(() => Date.now());
 * const { message, fresh } = store.add({ id: "k3j2…", room: "general", text: "hi" }, "Ada");
 * store.placed(message, "k3f9q2.1a"); // its offset, for the ack of a retransmission
 * store.history("general"); // → [message]
 * ```
 */
export class MessageStore {
  readonly #rooms = new Map<string, RoomLog>();

  /**
   * @param now Clock for the messages' `at` (injected so tests can fix it).
   * @param historySize Messages kept per room.
   */
  constructor(
    private readonly now: () => number,
    private readonly historySize = HISTORY_SIZE,
  ) {}

  /** Store a validated draft from `from`, or return the copy stored when it was first seen. */
  add(draft: MessageDraft, from: string): StoredMessage {
    const log = this.#touch(draft.room);
    const key = `${from}\n${draft.id}`;
    const seen = log.byKey.get(key);
    if (seen !== undefined) return { message: seen, fresh: false, offset: log.offsets.get(key) };
    const message: ChatMessage = { id: draft.id, room: draft.room, from, text: draft.text, at: this.now() };
    log.messages.push(message);
    log.byKey.set(key, message);
    if (log.messages.length > this.historySize) {
      const dropped = log.messages.shift()!;
      log.byKey.delete(`${dropped.from}\n${dropped.id}`);
      log.offsets.delete(`${dropped.from}\n${dropped.id}`);
    }
    return { message, fresh: true, offset: undefined };
  }

  /** Remember where a stored message landed in the room's log, for the ack of a retransmission. */
  placed(message: ChatMessage, offset: string): void {
    const log = this.#rooms.get(message.room);
    const key = `${message.from}\n${message.id}`;
    // Forgotten meanwhile (room or message evicted): nothing to remember it for.
    if (log?.byKey.get(key) === message) log.offsets.set(key, offset);
  }

  /** The room's recent messages, oldest first (a copy). */
  history(room: string): ChatMessage[] {
    return [...(this.#rooms.get(room)?.messages ?? [])];
  }

  /** The room's log, moved to the most recently used end (Map order is insertion order). */
  #touch(room: string): RoomLog {
    let log = this.#rooms.get(room);
    if (log !== undefined) {
      this.#rooms.delete(room);
    } else {
      log = { messages: [], byKey: new Map(), offsets: new Map() };
      if (this.#rooms.size >= MAX_ROOMS) this.#rooms.delete(this.#rooms.keys().next().value!);
    }
    this.#rooms.set(room, log);
    return log;
  }
}
