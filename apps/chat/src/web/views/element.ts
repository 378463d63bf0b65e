/** Attribute values: `false`/`undefined` leave the attribute out, `true` sets it empty. */
export type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Create an element. Children given as strings become text nodes, never
 * HTML: whatever people type is shown as typed, so no message can inject markup.
 *
 * @example
 * ```ts
 * h("li", { class: "member" }, h("span", { class: "avatar" }, "A"), "Ada")
 * ```
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children);
  return element;
}

/** The element with `id`, which the page's HTML must have (a missing one is a bug in index.html). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`index.html has no #${id}`);
  return element as T;
}

/** A stable hue (0–359) per name, so each person keeps their avatar colour. */
export function hueOf(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(hash) % 360;
}

/** A small round avatar with the name's initials. */
export function avatar(name: string): HTMLSpanElement {
  const initials = name
    .split(" ")
    .slice(0, 2)
    .map((part) => [...part][0] ?? "")
    .join("")
    .toUpperCase();
  const element = h("span", { class: "avatar", "aria-hidden": "true" }, initials);
  element.style.setProperty("--hue", String(hueOf(name)));
  return element;
}
