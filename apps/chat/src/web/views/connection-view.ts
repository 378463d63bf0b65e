import type { ConnectionStatus } from "../chat-client.js";
import { byId } from "./element.js";

const TRANSPORT_LABELS = { websocket: "WebSocket", polling: "Long-polling" } as const;

/**
 * The transport badge in the top bar and the "Reconnecting…" banner. The
 * badge follows the client manager's `transport` event live: it reads
 * "Long-polling" on a network that blocks WebSockets and switches to
 * "WebSocket" when an upgrade succeeds.
 */
export class ConnectionView {
  readonly #badge = byId("transport");
  readonly #label = byId("transport-label");
  readonly #banner = byId("banner");
  readonly #bannerText = byId("banner-text");

  render(status: ConnectionStatus): void {
    switch (status.kind) {
      case "connecting":
        this.#badgeAs("connecting", "Connecting…");
        this.#hideBanner();
        return;
      case "online":
        this.#badgeAs(status.transport, TRANSPORT_LABELS[status.transport]);
        this.#hideBanner();
        return;
      case "reconnecting":
        this.#badgeAs("offline", "Offline");
        this.#showBanner(
          status.attempt > 1 ? `Reconnecting… (attempt ${status.attempt})` : "Reconnecting…",
          "Messages you send now will leave as soon as the connection is back.",
        );
        return;
      case "stopped":
        this.#badgeAs("offline", "Offline");
        this.#showBanner("Disconnected by the server.", "Reload the page to come back.");
        return;
      case "refused":
        this.#badgeAs("offline", "Offline");
        this.#hideBanner();
        return;
    }
  }

  #badgeAs(state: string, label: string): void {
    this.#badge.dataset.state = state;
    this.#label.textContent = label;
  }

  #showBanner(text: string, hint: string): void {
    this.#bannerText.textContent = text;
    this.#banner.title = hint;
    this.#banner.hidden = false;
  }

  #hideBanner(): void {
    this.#banner.hidden = true;
  }
}
