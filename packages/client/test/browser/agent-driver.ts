import type { Browser, BrowserContext, Page } from "playwright-core";
import type { ConnectOptions } from "../../src/index.js";
import type { AgentEntry, AgentState, PageAgent } from "./page-agent.js";

type AgentMethod = "open" | "emit" | "emitWithAck" | "echoAcks" | "state" | "entries" | "waitFor" | "close";

/**
 * The test-side handle on one page running {@link PageAgent}: each method is
 * one `page.evaluate` round trip. Every page gets its own browser context,
 * so `localStorage` (where the client remembers failed WebSockets) starts
 * empty for each test.
 */
export class AgentDriver {
  /** Uncaught page errors and console errors, for failure messages. */
  readonly problems: string[] = [];

  private constructor(
    private readonly context: BrowserContext,
    private readonly page: Page,
  ) {
    page.on("pageerror", (err) => this.problems.push(`pageerror: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error") this.problems.push(`console: ${msg.text()}`);
    });
  }

  /** Open the test page from `pageOrigin` in a fresh context and wait for the agent. */
  static async open(browser: Browser, pageOrigin: string): Promise<AgentDriver> {
    const context = await browser.newContext();
    const driver = new AgentDriver(context, await context.newPage());
    await driver.page.goto(pageOrigin);
    await driver.page.waitForFunction(() => "cometaAgent" in globalThis, undefined, { timeout: 10_000 });
    return driver;
  }

  /** `connect(url, options)` in the page (`forceNew` unless told otherwise). */
  open(url: string, options: ConnectOptions<"msgpack" | "text"> = {}): Promise<void> {
    return this.call("open", url, options);
  }

  emit(event: string, ...args: unknown[]): Promise<void> {
    return this.call("emit", event, args);
  }

  /** Resolves with the ack value (binary as `{$bin, bytes}`), or `{error, code}`. */
  emitWithAck(event: string, args: unknown[], timeoutMs = 5000): Promise<unknown> {
    return this.call("emitWithAck", event, args, timeoutMs);
  }

  /** Make the page answer acked server emits of `event` with their own arguments. */
  echoAcks(event: string): Promise<void> {
    return this.call("echoAcks", event);
  }

  state(): Promise<AgentState> {
    return this.call("state");
  }

  entries(kind?: string): Promise<AgentEntry[]> {
    return this.call("entries", kind);
  }

  /** The `count`-th entry of `kind`, waiting for it in the page. */
  waitFor(kind: string, count = 1, timeoutMs = 10_000): Promise<AgentEntry> {
    return this.call("waitFor", kind, count, timeoutMs);
  }

  /** Close the client, then the page and its context. */
  async dispose(): Promise<void> {
    await this.call("close").catch(() => undefined);
    await this.context.close();
  }

  private call<T>(method: AgentMethod, ...args: unknown[]): Promise<T> {
    // This function is serialised into the page: it may only use its argument and page globals.
    return this.page.evaluate(
      ([name, list]) => {
        const agent = (globalThis as unknown as { cometaAgent: Record<string, (...a: unknown[]) => unknown> })
          .cometaAgent;
        return agent[name]?.(...list);
      },
      [method, args] as [string, unknown[]],
    ) as Promise<T>;
  }
}
