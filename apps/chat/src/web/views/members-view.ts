import type { ChatState } from "../chat-state.js";
import { avatar, byId, h } from "./element.js";

/** Who is in the room shown, kept current by the server's presence notices. */
export class MembersView {
  readonly #list = byId<HTMLUListElement>("members");
  readonly #count = byId("member-count");

  constructor(private readonly state: ChatState) {}

  render(): void {
    const members = this.state.active?.members ?? [];
    this.#count.textContent = members.length > 0 ? String(members.length) : "";
    this.#list.replaceChildren(
      ...members.map((name) =>
        h(
          "li",
          { class: name === this.state.me ? "member member-me" : "member" },
          avatar(name),
          h("span", { class: "member-name" }, name),
          name === this.state.me ? h("span", { class: "member-you" }, "you") : "",
        ),
      ),
    );
  }
}
