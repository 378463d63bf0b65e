import type { ChatErrorCode, ChatFailure, MessageDraft } from "./events.js";

/**
 * The chat's input rules, shared so that the page can explain a mistake
 * before sending and the server can refuse anything the page did not check
 * (any Socket.IO client may connect, not just ours).
 */

/** Longest display name, in characters. */
export const MAX_NAME_LENGTH = 24;
/** Longest message, in characters. */
export const MAX_TEXT_LENGTH = 2000;
/** Longest room name. */
export const MAX_ROOM_LENGTH = 32;
/** Rooms one socket may be in at once. */
export const MAX_ROOMS_PER_USER = 20;
/** Messages kept per room for people who join later. */
export const HISTORY_SIZE = 100;

/** The result of a check: the cleaned value, or a failure ready to send back. */
export type Checked<T> = { readonly ok: true; readonly value: T } | ChatFailure;

// Letters and digits of any script, plus a few joiners; no control or invisible characters.
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._'-]*$/u;
const ROOM = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const MESSAGE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * A display name: trimmed, inner runs of spaces collapsed, 1–24 characters
 * starting with a letter or digit.
 *
 * @example
 * ```ts
 * checkName("  Ada  Lovelace ") // → { ok: true, value: "Ada Lovelace" }
 * ```
 */
export function checkName(value: unknown): Checked<string> {
  if (typeof value !== "string") return fail("INVALID_NAME", "Pick a name to join the chat.");
  const name = value.trim().replace(/\s+/g, " ");
  if (name.length === 0) return fail("INVALID_NAME", "Pick a name to join the chat.");
  if ([...name].length > MAX_NAME_LENGTH) return fail("INVALID_NAME", `Names are at most ${MAX_NAME_LENGTH} characters.`);
  if (!NAME.test(name)) {
    return fail("INVALID_NAME", "Use letters, digits, spaces and . _ ' - (starting with a letter or digit).");
  }
  return { ok: true, value: name };
}

/** A room name: lowercased, a leading "#" dropped, 1–32 of a-z, 0-9 and inner "-". */
export function checkRoom(value: unknown): Checked<string> {
  if (typeof value !== "string") return fail("INVALID_ROOM", "A room needs a name.");
  const room = value.trim().toLowerCase().replace(/^#/, "");
  if (room.length === 0 || room.length > MAX_ROOM_LENGTH || !ROOM.test(room)) {
    return fail("INVALID_ROOM", `Room names are 1–${MAX_ROOM_LENGTH} of a–z, 0–9 and "-".`);
  }
  return { ok: true, value: room };
}

/** A message draft from the wire: a well-formed id, a valid room and 1–2000 characters of text. */
export function checkDraft(value: unknown): Checked<MessageDraft> {
  if (typeof value !== "object" || value === null) return fail("INVALID_MESSAGE", "Malformed message.");
  const { id, room, text } = value as Record<string, unknown>;
  if (typeof id !== "string" || !MESSAGE_ID.test(id)) return fail("INVALID_MESSAGE", "Malformed message id.");
  const checkedRoom = checkRoom(room);
  if (!checkedRoom.ok) return checkedRoom;
  if (typeof text !== "string" || text.trim().length === 0) return fail("INVALID_MESSAGE", "Messages cannot be empty.");
  if (text.length > MAX_TEXT_LENGTH) return fail("INVALID_MESSAGE", `Messages are at most ${MAX_TEXT_LENGTH} characters.`);
  return { ok: true, value: { id, room: checkedRoom.value, text: text.trim() } };
}

/** A failure with its code and human sentence. */
export function fail(code: ChatErrorCode, message: string): ChatFailure {
  return { ok: false, code, message };
}
