import { checkName } from "../../shared/validation.js";
import { byId } from "./element.js";

/**
 * The "pick a name" card. The name is checked with the same rules as the
 * server's auth middleware, so most mistakes are explained before
 * connecting; a refusal from the server is shown the same way.
 */
export class LoginView {
  readonly #section = byId("login");
  readonly #form = byId<HTMLFormElement>("login-form");
  readonly #input = byId<HTMLInputElement>("name-input");
  readonly #error = byId("login-error");

  constructor(onName: (name: string) => void) {
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = checkName(this.#input.value);
      if (!name.ok) {
        this.#showError(name.message);
        return;
      }
      this.#section.hidden = true;
      onName(name.value);
    });
    this.#input.addEventListener("input", () => {
      this.#error.hidden = true;
      this.#input.removeAttribute("aria-invalid");
    });
  }

  /** Show the card, prefilled, with an optional error (e.g. the server refused the name). */
  show(name: string, error?: string): void {
    this.#section.hidden = false;
    this.#input.value = name;
    if (error) this.#showError(error);
    this.#input.focus();
  }

  #showError(message: string): void {
    this.#error.textContent = message;
    this.#error.hidden = false;
    this.#input.setAttribute("aria-invalid", "true");
    this.#input.setAttribute("aria-describedby", "login-error");
    this.#input.focus();
  }
}
