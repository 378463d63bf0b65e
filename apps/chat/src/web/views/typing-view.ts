import type { ChatState } from "../chat-state.js";
import { byId } from "./element.js";

/** "Ada is typing…" under the messages of the room shown. */
export class TypingView {
  readonly #line = byId("typing");

  constructor(private readonly state: ChatState) {
    // Notices expire without a message saying so (a closed tab, a lost "stopped typing"): look again every second.
    setInterval(() => this.render(), 1000);
  }

  render(): void {
    const room = this.state.active;
    const names = room === undefined ? [] : this.state.typingIn(room);
    const text = describe(names);
    if (this.#line.textContent !== text) this.#line.textContent = text;
  }
}

function describe(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} more are typing…`;
}
