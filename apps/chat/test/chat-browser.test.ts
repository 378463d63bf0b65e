import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, type ChatProcess, freePort, startChatProcess } from "./chat-process.js";
import { ChatPageDriver } from "./chat-page-driver.js";
import { browserTestsRun, launchChromium } from "../../../packages/testing/src/peers/chromium.js";

// Without Chromium the suite is skipped locally, but fails under CI=true (launchChromium throws).
describe.skipIf(!browserTestsRun)("the chat in Chromium", () => {
  let browser: Browser | undefined;
  let disposers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    assertBuilt();
    browser = await launchChromium();
  });
  afterEach(async () => {
    const pending = disposers.reverse();
    disposers = [];
    for (const dispose of pending) await dispose().catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const server = async (port: number): Promise<ChatProcess> => {
    const chat = await startChatProcess(port);
    disposers.push(() => chat.kill("SIGKILL"));
    return chat;
  };
  const open = async (url: string, name: string): Promise<ChatPageDriver> => {
    const page = await ChatPageDriver.open(browser!, url, name);
    disposers.push(() => page.close());
    return page;
  };

  it("chats between two pages, and recovers from a server crash and restart", async () => {
    const port = await freePort();
    let chat = await server(port);
    const ada = await open(chat.url, "Ada");
    const bob = await open(chat.url, "Bob");
    await ada.waitForBadge("WebSocket");
    await bob.waitForBadge("WebSocket");
    expect(await ada.page.getByRole("list", { name: "Members of this room" }).textContent()).toContain("Bob");

    await ada.type("Hel");
    await bob.waitForTyping("Ada is typing…");
    await ada.send("Hello Bob!");
    await ada.waitForDelivery("Hello Bob!", "stored");
    await bob.waitForMessage("Hello Bob!");
    await bob.send("Hi Ada, all good here.");
    await ada.waitForMessage("Hi Ada, all good here.");

    // Crash: no goodbye to the clients. Both pages notice and say so.
    await chat.kill("SIGKILL");
    await ada.banner().waitFor({ timeout: 15_000 });
    await bob.banner().waitFor({ timeout: 15_000 });
    expect(await ada.badge()).toBe("Offline");
    // Written while the server is down: shown at once as pending, sent after reconnection.
    await ada.send("Are you still there?");
    await ada.waitForDelivery("Are you still there?", "sending");

    chat = await server(port);
    await ada.banner().waitFor({ state: "hidden", timeout: 15_000 });
    await bob.banner().waitFor({ state: "hidden", timeout: 15_000 });
    await ada.waitForBadge("WebSocket");
    await ada.waitForDelivery("Are you still there?", "stored");
    await bob.waitForMessage("Are you still there?");
    await bob.send("Yes, back again.");
    await ada.waitForMessage("Yes, back again.");

    // Nothing shown twice, in order, on both sides.
    const expected = ["Hello Bob!", "Hi Ada, all good here.", "Are you still there?", "Yes, back again."];
    expect(await ada.messages()).toEqual(expected);
    expect(await bob.messages()).toEqual(expected);
    expect([...ada.problems, ...bob.problems]).toEqual([]);
  });

  it("works over long-polling (?transport=polling) next to a WebSocket page", async () => {
    const chat = await server(await freePort());
    const polling = await open(`${chat.url}/?transport=polling`, "Pat");
    const ws = await open(chat.url, "Wes");
    await polling.waitForBadge("Long-polling");
    await ws.waitForBadge("WebSocket");

    await ws.type("typing over a WebSocket");
    await polling.waitForTyping("Wes is typing…");
    await polling.send("Sent by long-polling");
    await polling.waitForDelivery("Sent by long-polling", "stored");
    await ws.waitForMessage("Sent by long-polling");
    await ws.send("Received by long-polling");
    await polling.waitForMessage("Received by long-polling");
    expect(await polling.badge()).toBe("Long-polling");
    expect([...polling.problems, ...ws.problems]).toEqual([]);
  });

  it("joins a new room, keeps rooms apart, and explains a bad room or name", async () => {
    const chat = await server(await freePort());
    const ada = await open(chat.url, "Ada");
    const bob = await open(chat.url, "Bob");
    for (const page of [ada, bob]) {
      await page.page.getByLabel("Join or create a room").fill("Design Team");
      await page.page.getByRole("button", { name: "Join", exact: true }).click();
      await page.page.getByRole("alert").getByText("Room names are").waitFor();
      await page.page.getByLabel("Join or create a room").fill("#design");
      await page.page.getByRole("button", { name: "Join", exact: true }).click();
      await page.page.getByRole("heading", { name: "# design" }).waitFor();
    }
    await ada.send("Only for #design");
    await bob.waitForMessage("Only for #design");
    await bob.page.getByRole("button", { name: "general", exact: true }).click();
    await bob.page.getByRole("heading", { name: "# general" }).waitFor();
    expect(await bob.messages()).toEqual([]);
    await ada.send("Another one in #design");
    // Bob is looking at #general: the #design entry counts it as unread.
    await bob.page.getByRole("button", { name: "design, 1 unread" }).waitFor();

    // A name the page itself refuses never reaches the server.
    const page = await browser!.newPage();
    disposers.push(() => page.close());
    await page.goto(chat.url);
    await page.getByLabel("Your name").fill("<script>");
    await page.getByRole("button", { name: "Enter the chat" }).click();
    await page.getByRole("alert").getByText("Use letters, digits").waitFor();
  });
});
