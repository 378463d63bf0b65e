/**
 * The chat's events, typed once and imported by both sides: the server passes
 * them to `createServer<ClientToServer, ServerToClient, …>()` and the page to
 * `connect<ServerToClient, ClientToServer>()`, so an event name or payload
 * that does not match is a compile error on whichever side is wrong.
 *
 * Only types and constants live here: this module runs in the browser and in
 * Node unchanged.
 */

/** The namespace the chat lives in. */
export const CHAT_NAMESPACE = "/chat";

/** Rooms every new visitor starts in. */
export const DEFAULT_ROOMS: readonly string[] = ["general", "random"];

/** Stable codes of the chat's refusals (CONNECT_ERROR `data.code`, or `code` in a failed ack reply). */
export type ChatErrorCode =
  | "INVALID_NAME" // the name in `auth` is missing, too long or has characters we do not allow
  | "INVALID_ROOM" // a room name that is not 1–32 of a-z, 0-9 and "-"
  | "INVALID_MESSAGE" // empty or too long text, or a malformed draft
  | "TOO_MANY_ROOMS" // a socket may be in at most MAX_ROOMS_PER_USER rooms
  | "RATE_LIMITED"; // more messages per second than a human types

/** What a refusal carries: a code for programs, a sentence for people. */
export interface ChatFailure {
  readonly ok: false;
  readonly code: ChatErrorCode;
  readonly message: string;
}

/** A message as the server stored it. */
export interface ChatMessage {
  /** Chosen by the sender, so a retransmitted draft is recognised and stored once. */
  readonly id: string;
  readonly room: string;
  /** The sender's display name. */
  readonly from: string;
  readonly text: string;
  /** Server time at which it was stored, ms since the epoch. */
  readonly at: number;
}

/** What the page sends to post a message. */
export interface MessageDraft {
  readonly id: string;
  readonly room: string;
  readonly text: string;
}

/**
 * Ack reply of `message`: the stored message (its `at` is the server's) and
 * its offset in the room's log, or why not.
 *
 * The offset is the one the room's `message` broadcast carries (the page
 * reads it as `socket.offset`): the sender places its message by it and
 * drops the echo (read-your-writes). Undefined when the server could not log
 * it, or for a retransmission acked before the first copy was logged.
 */
export type SendReply = { readonly ok: true; readonly message: ChatMessage; readonly offset?: string | undefined } | ChatFailure;

/** Ack reply of `join`: the room's recent history and who is in it. */
export type JoinReply =
  | {
      readonly ok: true;
      readonly room: string;
      /** Oldest first, at most HISTORY_SIZE. */
      readonly history: readonly ChatMessage[];
      /** Display names of the room's members (each once), the joiner included. */
      readonly members: readonly string[];
    }
  | ChatFailure;

/** Someone started or stopped typing in a room. */
export interface TypingNotice {
  readonly room: string;
  readonly name: string;
  readonly typing: boolean;
}

/** Someone entered or left a room. */
export interface PresenceNotice {
  readonly room: string;
  readonly name: string;
  readonly present: boolean;
  /** The room's members after the change (each name once): a second tab of the same name keeps it listed. */
  readonly members: readonly string[];
}

/** Events the page sends. */
export interface ClientToServer {
  /** Join a room (again after a reconnection: it is idempotent) and get its history. */
  join(room: string, ack: (reply: JoinReply) => void): void;
  /** Leave a room. */
  leave(room: string): void;
  /** Post a message; the ack says it is stored, and where it is in the room's log (the room, sender included, gets it as `message`). */
  message(draft: MessageDraft, ack: (reply: SendReply) => void): void;
  /** Typing started or stopped (sent volatile: a lost one does not matter). */
  typing(room: string, typing: boolean): void;
}

/** Events the server sends. */
export interface ServerToClient {
  message(message: ChatMessage): void;
  typing(notice: TypingNotice): void;
  presence(notice: PresenceNotice): void;
}

/** Events between chat servers sharing rooms through Redis (none yet: rooms and broadcasts need none). */
export type InterServer = Record<string, never>;

/** What the server keeps on each socket (`socket.data`), set by the auth middleware. */
export interface ChatSocketData {
  name: string;
}

/** Auth payload of the CONNECT packet. */
export interface ChatAuth {
  readonly name: string;
  /** Rooms to be in right away: after a reconnection, messages still queued for them find the sender a member. */
  readonly rooms?: readonly string[];
}
