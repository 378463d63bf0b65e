import { MAX_TEXT_LENGTH } from "../../shared/validation.js";
import type { ChatState } from "../chat-state.js";
import { byId } from "./element.js";

/** While typing, "still typing" is re-sent this often (receivers expire a notice after 6 s). */
const TYPING_RENEW_MS = 3000;

/** What the composer asks the page to do. */
export interface ComposerActions {
  send(room: string, text: string): void;
  typing(room: string, typing: boolean): void;
}

/**
 * The message box: Enter sends, Shift+Enter starts a new line, and typing
 * notices go out while the box has text (throttled, and "stopped" on send,
 * on clearing the box and on leaving it).
 */
export class ComposerView {
  readonly #form = byId<HTMLFormElement>("composer");
  readonly #input = byId<HTMLTextAreaElement>("message-input");
  /** Room we told we are typing in, and when. */
  #typingIn: { room: string; at: number } | undefined;

  constructor(
    private readonly state: ChatState,
    private readonly actions: ComposerActions,
  ) {
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#send();
    });
    this.#input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.#send();
      }
    });
    this.#input.addEventListener("input", () => {
      this.#autosize();
      if (this.#input.value.trim() === "") this.#stopTyping();
      else this.#startTyping();
    });
    this.#input.addEventListener("blur", () => this.#stopTyping());
  }

  /** Follow the room shown: placeholder, and no typing notice left behind in the previous room. */
  render(): void {
    const room = this.state.active;
    if (this.#typingIn !== undefined && this.#typingIn.room !== room?.name) this.#stopTyping();
    this.#input.placeholder = room === undefined ? "Join a room to write" : `Message #${room.name}`;
    this.#input.disabled = room === undefined;
  }

  focus(): void {
    this.#input.focus();
  }

  #send(): void {
    const room = this.state.active;
    const text = this.#input.value.trim();
    if (room === undefined || text === "" || text.length > MAX_TEXT_LENGTH) return;
    this.#stopTyping();
    this.actions.send(room.name, text);
    this.#input.value = "";
    this.#autosize();
  }

  #startTyping(): void {
    const room = this.state.active;
    if (room === undefined) return;
    const now = Date.now();
    if (this.#typingIn?.room === room.name && now - this.#typingIn.at < TYPING_RENEW_MS) return;
    this.#typingIn = { room: room.name, at: now };
    this.actions.typing(room.name, true);
  }

  #stopTyping(): void {
    if (this.#typingIn === undefined) return;
    this.actions.typing(this.#typingIn.room, false);
    this.#typingIn = undefined;
  }

  /** Grow with the text up to a few lines (CSS caps the height). */
  #autosize(): void {
    this.#input.style.height = "auto";
    this.#input.style.height = `${this.#input.scrollHeight}px`;
  }
}
