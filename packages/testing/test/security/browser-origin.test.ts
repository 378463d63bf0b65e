import { createServer, type Server } from "@cometa/server";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chromiumAvailability, launchChromium } from "../../src/peers/chromium.js";
import { type OriginPages, startOriginPages } from "./origin-pages.js";

/**
 * RELIABILITY.md §4(d) S2 (cross-site WebSocket hijacking) and S3 (CSRF on a
 * polling POST), in a real Chromium. A Cometa server allows one origin, the
 * good page's; the attacker's page, on another loopback host, tries what a
 * malicious site would: open a WebSocket and a polling session to it, and
 * push `42["inject",…]` into a victim's polling session with `fetch(…,
 * {mode: "no-cors"})` and a `<form enctype="text/plain">`. Each attack has a
 * control from the good origin that must succeed, so a broken harness (or a
 * check that refuses everything) cannot pass.
 *
 * The server speaks the text codec here, so an injected `42[...]` would
 * decode and dispatch if the Origin check let it through (the control shows
 * it does from the good origin).
 */

const { present, required } = chromiumAvailability();

/** The slice of the DOM the form attack uses (the package compiles without DOM types). */
interface PageElement {
  name: string;
  method: string;
  enctype: string;
  action: string;
  target: string;
  type: string;
  value: string;
  append(child: PageElement): void;
  submit(): void;
}
interface PageDocument {
  createElement(tag: string): PageElement;
  readonly body: PageElement;
}

/** What one page-side attempt reports back. */
interface WsOutcome {
  readonly opened: boolean;
  readonly firstMessage: string | null;
  readonly closeCode: number | null;
}

/** Open a WebSocket from inside the page; report whether it opened and its first message. */
function openWebSocket(page: Page, url: string): Promise<WsOutcome> {
  return page.evaluate(
    (target) =>
      new Promise<WsOutcome>((resolve) => {
        const ws = new WebSocket(target);
        let opened = false;
        ws.onopen = () => {
          opened = true;
        };
        ws.onmessage = (event) => {
          resolve({ opened, firstMessage: String(event.data), closeCode: null });
          ws.close();
        };
        ws.onclose = (event) => resolve({ opened, firstMessage: null, closeCode: event.code });
      }),
    url,
  );
}

/** `fetch(url)` with CORS from inside the page: the body, or the error's name when the browser blocks it. */
function corsFetch(page: Page, url: string): Promise<{ ok: boolean; body: string }> {
  return page.evaluate(async (target) => {
    try {
      const response = await fetch(target, { credentials: "include" });
      return { ok: response.ok, body: await response.text() };
    } catch (error) {
      return { ok: false, body: (error as Error).name };
    }
  }, url);
}

describe.skipIf(!present && !required)("S2/S3: cross-site WebSocket hijacking and CSRF in Chromium", () => {
  let pages: OriginPages;
  let browser: Browser;
  let io: Server;
  let port: number;
  let context: BrowserContext;
  /** `inject` events the server dispatched, with their argument. */
  const injected: string[] = [];

  beforeAll(async () => {
    pages = await startOriginPages();
    browser = await launchChromium();
    io = createServer({ codec: "text", cors: { origin: [pages.good], credentials: true }, pingInterval: 5000, pingTimeout: 5000 });
    io.on("connection", (socket) => {
      socket.on("inject", (how: unknown) => injected.push(String(how)));
      socket.on("ping-me", (ack: unknown) => {
        if (typeof ack === "function") ack("pong");
      });
    });
    ({ port } = await io.listen(0, "127.0.0.1"));
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await io?.close();
    await pages?.close();
  });

  beforeEach(async () => {
    injected.length = 0;
    context = await browser.newContext();
    // The victim's cookie for the server's host: a hijacking page relies on the browser attaching it.
    await context.addCookies([{ name: "session", value: "victim-cookie", domain: "127.0.0.1", path: "/" }]);
  });

  afterEach(async () => {
    await context?.close();
  });

  const engineUrl = (scheme: "ws" | "http", transport: string) => `${scheme}://127.0.0.1:${port}/socket.io/?EIO=4&transport=${transport}`;

  async function pageOn(origin: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(origin);
    return page;
  }

  it("S2: a WebSocket from the attacker's origin is refused with 403 and creates no session", async () => {
    const page = await pageOn(pages.attacker);
    const before = io.engine!.clientsCount;
    const refusal = page.waitForEvent("console", (message) => /WebSocket/.test(message.text()));
    const outcome = await openWebSocket(page, engineUrl("ws", "websocket"));
    expect(outcome).toEqual({ opened: false, firstMessage: null, closeCode: 1006 });
    // Chromium reports the handshake's status in its console: the refusal is the Origin check's 403.
    expect((await refusal).text()).toMatch(/Unexpected response code: 403/);
    expect(io.engine!.clientsCount).toBe(before);
  });

  it("S2 control: the same WebSocket from the allowed origin opens a session", async () => {
    const page = await pageOn(pages.good);
    const outcome = await openWebSocket(page, engineUrl("ws", "websocket"));
    expect(outcome.opened).toBe(true);
    expect(outcome.firstMessage).toMatch(/^0\{"sid":"[\w-]{20}"/);
  });

  it("S2: a polling handshake from the attacker's origin gets 403 without CORS headers; the page cannot read it", async () => {
    const page = await pageOn(pages.attacker);
    const before = io.engine!.clientsCount;
    // Chromium hides a CORS-blocked response from the page and from Playwright's events, not from DevTools. Its
    // ExtraInfo events may arrive before or after the request's requestWillBeSent (CDP documents no order), so
    // both sides are recorded and matched whichever comes last.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    const pollingIds = new Set<string>();
    const extraInfo = new Map<string, { status: number; headers: Record<string, string> }>();
    let settle: (response: { status: number; headers: Record<string, string> }) => void = () => {};
    const seen = new Promise<{ status: number; headers: Record<string, string> }>((resolve) => {
      settle = resolve;
    });
    const match = (requestId: string): void => {
      const response = extraInfo.get(requestId);
      if (pollingIds.has(requestId) && response) settle(response);
    };
    cdp.on("Network.requestWillBeSent", (event) => {
      if (!event.request.url.includes("transport=polling")) return;
      pollingIds.add(event.requestId);
      match(event.requestId);
    });
    cdp.on("Network.responseReceivedExtraInfo", (event) => {
      extraInfo.set(event.requestId, { status: event.statusCode, headers: event.headers });
      match(event.requestId);
    });
    expect(await corsFetch(page, engineUrl("http", "polling"))).toEqual({ ok: false, body: "TypeError" });
    // Bounded, so a missing DevTools event fails with what was seen instead of the suite's 30 s timeout.
    const response = await Promise.race([
      seen,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no DevTools response for a polling request: ids ${[...pollingIds]}, responses ${[...extraInfo.keys()]}`)), 10_000).unref(),
      ),
    ]);
    expect(response.status).toBe(403);
    expect(Object.keys(response.headers).map((name) => name.toLowerCase())).not.toContain("access-control-allow-origin");
    expect(io.engine!.clientsCount).toBe(before);
  });

  it("S2: a no-cors GET from another site carries no Origin, but its Sec-Fetch-Site gives it away: 403, no session", async () => {
    const page = await pageOn(pages.attacker);
    const before = io.engine!.clientsCount;
    // The Fetch standard sends no Origin on a no-cors GET (the reference server opens a session for it). Chromium
    // sends Fetch Metadata, and a page on another site is refused before a session exists.
    const seen = page.waitForResponse((r) => r.url().includes("transport=polling"));
    const read = await page.evaluate(async (target) => {
      const response = await fetch(target, { mode: "no-cors", credentials: "include" });
      return { type: response.type, body: await response.text() };
    }, engineUrl("http", "polling"));
    expect(read).toEqual({ type: "opaque", body: "" });
    expect((await seen).status()).toBe(403);
    expect(io.engine!.clientsCount).toBe(before);
  });

  it(
    "Origin-less no-cors GETs from an attacker's page cannot use up the victim's per-address session slots (Fetch Metadata: refused before admission)",
    async () => {
      // A second server with a small cap, so the slots this test burns do not touch the others.
      const capped = createServer({ codec: "text", cors: { origin: [pages.good] }, maxConnectionsPerIp: 5 });
      const { port: cappedPort } = await capped.listen(0, "127.0.0.1");
      try {
        const attacker = await pageOn(pages.attacker);
        await attacker.evaluate(async (target) => {
          await Promise.all(Array.from({ length: 5 }, () => fetch(target, { mode: "no-cors" })));
        }, `http://127.0.0.1:${cappedPort}/socket.io/?EIO=4&transport=polling`);
        // The victim's own handshake, from the same address (Node's fetch: the status is readable).
        const victim = await fetch(`http://127.0.0.1:${cappedPort}/socket.io/?EIO=4&transport=polling`);
        expect(victim.status, await victim.text()).toBe(200);
      } finally {
        await capped.close();
      }
    },
  );

  it("S2 control: the polling handshake from the allowed origin is readable, with credentials", async () => {
    const page = await pageOn(pages.good);
    const result = await corsFetch(page, engineUrl("http", "polling"));
    expect(result.ok).toBe(true);
    expect(result.body).toMatch(/^0\{"sid":"[\w-]{20}"/);
  });

  describe("S3: CSRF into a victim's polling session", () => {
    let victim: ClientSocket;
    let sid: string;

    beforeEach(async () => {
      // The victim: the official client on long-polling (no Origin header, like a same-origin app would not need).
      victim = connect(`http://127.0.0.1:${port}`, { transports: ["polling"], reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => {
        victim.once("connect", resolve);
        victim.once("connect_error", reject);
      });
      sid = victim.io.engine.id;
    });

    afterEach(() => {
      victim?.disconnect();
    });

    /** The victim's own round trip: once it returns, any POST answered before it has been dispatched. */
    async function victimRoundTrip(): Promise<void> {
      expect(await victim.timeout(3000).emitWithAck("ping-me")).toBe("pong");
    }

    function noCorsPost(page: Page, body: string): Promise<string> {
      return page.evaluate(
        async ({ target, payload }) => {
          const response = await fetch(target, { method: "POST", mode: "no-cors", credentials: "include", body: payload });
          return response.type;
        },
        { target: `${engineUrl("http", "polling")}&sid=${sid}`, payload: body },
      );
    }

    /** A classic text/plain form POST: the field name carries the packet, `=` lands inside a string. */
    async function formPost(page: Page): Promise<void> {
      await page.evaluate((target) => {
        // The package compiles without DOM types; this runs in the page, where `document` exists.
        const document = (globalThis as unknown as { document: PageDocument }).document;
        const frame = document.createElement("iframe");
        frame.name = "sink";
        document.body.append(frame);
        const form = document.createElement("form");
        form.method = "POST";
        form.enctype = "text/plain";
        form.action = target;
        form.target = "sink";
        const field = document.createElement("input");
        field.type = "hidden";
        field.name = '42["inject","form';
        field.value = '"]';
        form.append(field);
        document.body.append(form);
        form.submit();
      }, `${engineUrl("http", "polling")}&sid=${sid}`);
    }

    it("S3: fetch no-cors and a text/plain form POST from the attacker's origin get 403 and inject nothing", async () => {
      const page = await pageOn(pages.attacker);
      const responses: number[] = [];
      page.on("response", (response) => {
        if (response.url().includes(`sid=${sid}`)) responses.push(response.status());
      });
      expect(await noCorsPost(page, '42["inject","fetch"]')).toBe("opaque");
      const formAnswered = page.waitForResponse((response) => response.url().includes(`sid=${sid}`) && response.request().method() === "POST" && responses.length === 2);
      await formPost(page);
      await formAnswered;
      expect(responses).toEqual([403, 403]);
      await victimRoundTrip();
      expect(injected).toEqual([]);
      // The refused requests did not end the victim's session either.
      expect(victim.connected).toBe(true);
      expect(victim.io.engine.id).toBe(sid);
    });

    it("S3 control: the same POSTs from the allowed origin do reach the session (so the refusal above is the Origin check)", async () => {
      const page = await pageOn(pages.good);
      expect(await noCorsPost(page, '42["inject","fetch"]')).toBe("opaque");
      await victimRoundTrip();
      expect(injected).toEqual(["fetch"]);
      const formAnswered = page.waitForResponse((response) => response.url().includes(`sid=${sid}`) && response.request().method() === "POST");
      await formPost(page);
      expect((await formAnswered).status()).toBe(200);
      await victimRoundTrip();
      expect(injected).toEqual(["fetch", "form="]);
    });
  });
});
