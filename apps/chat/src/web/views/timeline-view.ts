import type { ChatState, Delivery, TimelineItem } from "../chat-state.js";
import { avatar, byId, h } from "./element.js";

/** Messages from one person less than this far apart are grouped under one name. */
const GROUP_WINDOW_MS = 5 * 60_000;

const DELIVERY_LABELS: Readonly<Record<Delivery, string>> = {
  sending: "Sending…",
  stored: "Stored by the server",
  failed: "Not delivered",
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/**
 * The messages of the room shown. Redraws incrementally (items are keyed by
 * id and only moved, added or updated), so a new message does not rebuild
 * the list and the reading position stays put unless the reader was at the
 * bottom already.
 */
export class TimelineView {
  readonly #list = byId<HTMLOListElement>("timeline");
  readonly #items = new Map<string, HTMLLIElement>();
  readonly #empty = h("li", { class: "empty" }, "No messages yet. Say hello!");
  #room: string | undefined;

  constructor(
    private readonly state: ChatState,
    private readonly onRetry: (room: string, id: string, text: string) => void,
  ) {}

  render(): void {
    const room = this.state.active;
    const switched = room?.name !== this.#room;
    if (switched) {
      this.#room = room?.name;
      this.#items.clear();
      this.#list.replaceChildren();
    }
    const list = this.#list;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const timeline = room?.timeline ?? [];
    let previous: TimelineItem | undefined;
    let previousElement: Element | null = null;
    let ownNew = false;
    const seen = new Set<string>();
    for (const item of timeline) {
      const key = item.kind === "message" ? `m:${item.message.id}` : `n:${item.id}`;
      seen.add(key);
      let element = this.#items.get(key);
      if (element === undefined) {
        element = this.#create(item);
        this.#items.set(key, element);
        if (item.kind === "message" && item.mine) ownNew = true;
      }
      if (item.kind === "message") this.#update(element, item, continues(previous, item));
      const expected: Element | null = previousElement === null ? list.firstElementChild : previousElement.nextElementSibling;
      if (expected !== element) list.insertBefore(element, expected);
      previousElement = element;
      previous = item;
    }
    for (const [key, element] of this.#items) {
      if (seen.has(key)) continue;
      element.remove();
      this.#items.delete(key);
    }
    if (timeline.length === 0) list.append(this.#empty);
    else this.#empty.remove();
    if (switched || atBottom || ownNew) list.scrollTop = list.scrollHeight;
  }

  #create(item: TimelineItem): HTMLLIElement {
    if (item.kind === "notice") {
      return h("li", { class: "notice" }, item.text, h("time", { datetime: iso(item.at) }, timeFormat.format(item.at)));
    }
    const { message } = item;
    const meta = h(
      "div",
      { class: "meta" },
      h("span", { class: "author" }, message.from),
      h("time", { datetime: iso(message.at) }, timeFormat.format(message.at)),
    );
    if (item.mine) meta.append(h("span", { class: "delivery" }));
    const bubble = h("div", { class: "bubble" }, meta, h("p", { class: "text" }, message.text));
    return h("li", { class: item.mine ? "message mine" : "message", "data-id": message.id }, avatar(message.from), bubble);
  }

  #update(element: HTMLLIElement, item: Extract<TimelineItem, { kind: "message" }>, continued: boolean): void {
    element.classList.toggle("continued", continued);
    if (!item.mine) return;
    const delivery = element.querySelector<HTMLElement>(".delivery")!;
    if (delivery.dataset.delivery === item.delivery) return;
    delivery.dataset.delivery = item.delivery;
    delivery.title = DELIVERY_LABELS[item.delivery];
    delivery.replaceChildren(h("span", { class: "visually-hidden" }, DELIVERY_LABELS[item.delivery]));
    element.querySelector(".retry")?.remove();
    if (item.delivery === "failed") {
      const retry = h("button", { type: "button", class: "retry" }, "Retry");
      retry.addEventListener("click", () => this.onRetry(item.message.room, item.message.id, item.message.text));
      element.querySelector(".bubble")!.append(retry);
    }
  }
}

/** Whether `item` continues the group of `previous` (same sender, close in time): no name or avatar again. */
function continues(previous: TimelineItem | undefined, item: Extract<TimelineItem, { kind: "message" }>): boolean {
  return (
    previous?.kind === "message" &&
    previous.message.from === item.message.from &&
    item.message.at - previous.message.at < GROUP_WINDOW_MS
  );
}

function iso(at: number): string {
  return new Date(at).toISOString();
}
