import type { Browser, BrowserContext, Locator, Page } from "playwright-core";

/** How long a UI expectation may take (reconnection backoff included). */
const WAIT_MS = 15_000;

/**
 * One person's tab on the chat, driven the way a person would: through the
 * name card, the message box and what is visible on screen (roles, labels
 * and text, so the test also checks the page is usable without a mouse).
 * Each driver has its own browser context, hence its own localStorage.
 */
export class ChatPageDriver {
  /** Uncaught errors and Content-Security-Policy violations seen in the page. */
  readonly problems: string[] = [];

  private constructor(
    private readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on("pageerror", (err) => this.problems.push(`pageerror: ${err.message}`));
    page.on("console", (msg) => {
      if (/Content Security Policy/i.test(msg.text())) this.problems.push(`csp: ${msg.text()}`);
    });
  }

  /** Open `url` in a fresh context, enter `name` on the name card and wait for the chat screen. */
  static async open(
    browser: Browser,
    url: string,
    name: string,
    viewport = { width: 1100, height: 720 },
  ): Promise<ChatPageDriver> {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const driver = new ChatPageDriver(context, await context.newPage());
    await driver.page.goto(url);
    await driver.page.getByLabel("Your name").fill(name);
    await driver.page.getByRole("button", { name: "Enter the chat" }).click();
    await driver.page.getByRole("textbox", { name: "Message" }).waitFor({ timeout: WAIT_MS });
    return driver;
  }

  /** The transport badge's text: "WebSocket", "Long-polling", "Offline" or "Connecting…". */
  async badge(): Promise<string> {
    return (await this.page.locator("#transport-label").textContent()) ?? "";
  }

  async waitForBadge(text: string): Promise<void> {
    await this.page.waitForFunction((t) => document.getElementById("transport-label")?.textContent === t, text, {
      timeout: WAIT_MS,
    });
  }

  /** The "Reconnecting…" banner (a live status region). */
  banner(): Locator {
    return this.page.getByRole("status").filter({ hasText: "Reconnecting" });
  }

  /** Type into the message box without sending (typing notices go out). */
  async type(text: string): Promise<void> {
    await this.page.getByRole("textbox", { name: "Message" }).fill(text);
  }

  /** Type and press Enter. */
  async send(text: string): Promise<void> {
    await this.type(text);
    await this.page.getByRole("textbox", { name: "Message" }).press("Enter");
  }

  /** The timeline item with exactly this message text. */
  message(text: string): Locator {
    return this.page.getByRole("list", { name: "Messages" }).locator(".message").filter({
      has: this.page.locator(".text").getByText(text, { exact: true }),
    });
  }

  async waitForMessage(text: string): Promise<void> {
    await this.message(text).waitFor({ timeout: WAIT_MS });
  }

  /** Wait until our message `text` shows the given delivery mark ("sending", "stored", "failed"). */
  async waitForDelivery(text: string, delivery: "sending" | "stored" | "failed"): Promise<void> {
    await this.message(text).locator(`.delivery[data-delivery="${delivery}"]`).waitFor({ timeout: WAIT_MS });
  }

  /** The "… is typing" line. */
  async waitForTyping(text: string): Promise<void> {
    await this.page.locator("#typing").getByText(text).waitFor({ timeout: WAIT_MS });
  }

  /** Texts of the messages shown, in order. */
  async messages(): Promise<string[]> {
    return this.page.locator("#timeline .message .text").allTextContents();
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
