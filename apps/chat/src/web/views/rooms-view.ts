import { checkRoom } from "../../shared/validation.js";
import type { ChatState } from "../chat-state.js";
import { byId, h } from "./element.js";

/** What the room list asks the page to do. */
export interface RoomsActions {
  show(room: string): void;
  join(room: string): Promise<string | undefined>;
  leave(room: string): void;
}

/** The room list (with unread counts), the "join a room" form and the room header. */
export class RoomsView {
  readonly #list = byId<HTMLUListElement>("rooms");
  readonly #form = byId<HTMLFormElement>("join-form");
  readonly #input = byId<HTMLInputElement>("join-input");
  readonly #error = byId("join-error");
  readonly #title = byId("room-title");
  readonly #leave = byId<HTMLButtonElement>("leave-room");

  constructor(
    private readonly state: ChatState,
    private readonly actions: RoomsActions,
  ) {
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.#join();
    });
    this.#input.addEventListener("input", () => {
      this.#error.hidden = true;
    });
    this.#leave.addEventListener("click", () => {
      const room = this.state.active;
      if (room !== undefined) this.actions.leave(room.name);
    });
  }

  render(): void {
    const active = this.state.active;
    const items = [...this.state.rooms.values()].map((room) => {
      const current = room === active;
      const label = room.unread > 0 ? `${room.name}, ${room.unread} unread` : room.name;
      const button = h(
        "button",
        { type: "button", class: "room-link", "aria-current": current ? "page" : undefined, "aria-label": label },
        h("span", { class: "room-hash", "aria-hidden": "true" }, "#"),
        h("span", { class: "room-name" }, room.name),
      );
      if (room.unread > 0) button.append(h("span", { class: "unread", "aria-hidden": "true" }, String(room.unread)));
      button.addEventListener("click", () => this.actions.show(room.name));
      return h("li", {}, button);
    });
    this.#list.replaceChildren(...items);
    this.#title.textContent = active === undefined ? "No room" : `# ${active.name}`;
    // Leaving your last room would leave nothing to show.
    this.#leave.hidden = active === undefined || this.state.rooms.size < 2;
    document.title = active === undefined ? "Cometa chat" : `#${active.name} · Cometa chat`;
  }

  async #join(): Promise<void> {
    const room = checkRoom(this.#input.value);
    if (!room.ok) {
      this.#showError(room.message);
      return;
    }
    this.#input.value = "";
    const refused = await this.actions.join(room.value);
    if (refused !== undefined) this.#showError(refused);
  }

  #showError(message: string): void {
    this.#error.textContent = message;
    this.#error.hidden = false;
  }
}
