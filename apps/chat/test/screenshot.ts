/**
 * Take docs/images/chat.png: two people chatting, seen by one of them.
 * Run after a build: `pnpm --filter @cometa/chat build && pnpm --filter @cometa/chat screenshot`.
 */
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startChatProcess } from "./chat-process.js";
import { ChatPageDriver } from "./chat-page-driver.js";
import { launchChromium } from "../../../packages/testing/src/peers/chromium.js";

const target = join(dirname(fileURLToPath(import.meta.url)), "../../../docs/images/chat.png");

const chat = await startChatProcess(await freePort());
const browser = await launchChromium();
try {
  const viewport = { width: 1100, height: 640 };
  const ada = await ChatPageDriver.open(browser, chat.url, "Ada Lovelace", viewport);
  const bob = await ChatPageDriver.open(browser, chat.url, "Charles Babbage", viewport);
  await bob.send("The engine is assembled. Shall we run the first table?");
  await ada.waitForMessage("The engine is assembled. Shall we run the first table?");
  await ada.send("Yes! Sending the Bernoulli program now.");
  await ada.waitForDelivery("Yes! Sending the Bernoulli program now.", "stored");
  await bob.type("Splendid");
  await ada.waitForTyping("Charles Babbage is typing…");
  await mkdir(dirname(target), { recursive: true });
  await ada.page.screenshot({ path: target, animations: "disabled" });
  console.log(`saved ${target}`);
} finally {
  await browser.close();
  await chat.kill("SIGTERM");
}
