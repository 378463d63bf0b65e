import { WS_CLOSE_CODES } from "./close-reasons.js";
import type { WsHandle, WsSendResult } from "./platform.js";
import type { EngineSession } from "./session.js";
import { endPoll } from "./session-polling.js";

/**
 * Polling → WebSocket upgrade (PROTOCOL.md §2.7):
 *
 * ```
 * probe WS opens          → state "upgrading", upgradeTimeout starts
 * C: 2probe  S: 3probe    → every GET (parked or new) is answered with a noop `6`
 * C: 5                    → polling dropped, buffered packets flushed on the WS
 * anything else, timeout, → the probe is closed; the session stays on polling
 *   or the probe closing
 * ```
 *
 * A server close after `3probe` (state "closing", see `closePolling`) keeps
 * the probe: the client has stopped polling, so `5` still completes the
 * upgrade, the buffered packets go out on the WebSocket and then it closes.
 * If the upgrade fails instead, the session ends.
 */

/** Attach a freshly opened WebSocket as the upgrade probe. False when the session cannot take one. */
export function attachProbe(session: EngineSession, probe: WsHandle): boolean {
  const polling = session.polling;
  if (session.state !== "open" || polling === null || polling.probe !== null) return false;
  polling.probe = probe;
  polling.probed = false;
  session.setState("upgrading", "upgrade started");
  const { clock, upgradeTimeout } = session.host.options;
  polling.upgradeTimer = clock.setTimeout(() => {
    polling.upgradeTimer = null;
    failUpgrade(session);
  }, upgradeTimeout);
  return true;
}

/** A text frame from the probe. */
export function onProbeText(session: EngineSession, text: string): void {
  const polling = session.polling!;
  if (!polling.probed && text === "2probe") {
    polling.probed = true;
    session.host.ws.send(polling.probe!, "3probe");
    // Let the client finish its current poll (the reference repeats this every 100 ms;
    // answering every GET at once while probed makes the repeat unnecessary).
    if (polling.get !== null) endPoll(session, "6");
    return;
  }
  if (polling.probed && text === "5") {
    completeUpgrade(session);
    return;
  }
  // Any other packet on a probing WebSocket closes the probe (reference `onPacket` else-branch).
  failUpgrade(session);
}

/** The probe WebSocket closed before the upgrade completed. */
export function onProbeClosed(session: EngineSession): void {
  if (session.polling !== null) session.polling.probe = null;
  failUpgrade(session);
}

/** Abandon the upgrade: close the probe, keep polling (or, when the server closed meanwhile, end). */
export function failUpgrade(session: EngineSession): void {
  session.dropProbe();
  if (session.state === "upgrading") session.setState("open", "upgrade failed");
  // Closed during the upgrade: the client stopped polling for it, nothing else can reach it.
  else if (session.state === "closing") session.finish(session.polling?.closeReason ?? "forced close");
}

function completeUpgrade(session: EngineSession): void {
  const polling = session.polling!;
  const ws = polling.probe!;
  const driver = session.host.ws;
  if (polling.upgradeTimer !== null) session.host.options.clock.clearTimeout(polling.upgradeTimer);
  if (polling.get !== null) endPoll(session, "6");
  const buffered = polling.buffer.slice();
  const topics = polling.topics;
  const closeReason = session.state === "closing" ? (polling.closeReason ?? "forced close") : null;
  session.polling = null;
  session.ws = ws;
  session.transport = "websocket";
  if (closeReason === null) {
    // Keep the subscriptions: they move from the polling index to the platform's topics.
    if (topics !== null) {
      for (const topic of topics) {
        session.host.indexTopic(session, topic, false);
        driver.topic(ws, topic, true);
      }
    }
    session.setState("open", "upgrade done");
  }
  let result: WsSendResult = "ok";
  if (buffered.length > 0) {
    // Polling entries are `<type><text>` or `b<base64>`: binary ones go back to binary frames.
    const frames = buffered.map((entry) =>
      entry.charCodeAt(0) === 98 /* b */ ? new Uint8Array(Buffer.from(entry.slice(1), "base64")) : entry,
    );
    result = driver.sendMany(ws, frames);
  }
  if (closeReason !== null) {
    // The close the server decided during the upgrade, after what was queued before it.
    session.finish(closeReason);
    driver.close(ws, WS_CLOSE_CODES[closeReason], closeReason);
  } else if (result === "dropped") {
    session.close("slow consumer");
  }
}
