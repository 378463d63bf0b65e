import type { WsPort } from "./platform.js";
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
 */

/** Attach a freshly opened WebSocket as the upgrade probe. False when the session cannot take one. */
export function attachProbe(session: EngineSession, port: WsPort): boolean {
  const polling = session.polling;
  if (session.state !== "open" || polling === null || polling.probe !== null) return false;
  polling.probe = port;
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
    polling.probe!.send("3probe");
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

/** Abandon the upgrade: close the probe, keep polling. */
export function failUpgrade(session: EngineSession): void {
  session.dropProbe();
  if (session.state === "upgrading") session.setState("open", "upgrade failed");
}

function completeUpgrade(session: EngineSession): void {
  const polling = session.polling!;
  const ws = polling.probe!;
  if (polling.upgradeTimer !== null) session.host.options.clock.clearTimeout(polling.upgradeTimer);
  if (polling.get !== null) endPoll(session, "6");
  const buffered = polling.buffer.slice();
  const topics = polling.topics;
  session.polling = null;
  session.ws = ws;
  session.transport = "websocket";
  // Keep the subscriptions: they move from the polling index to the platform's topics.
  if (topics !== null) {
    for (const topic of topics) {
      session.host.indexTopic(session, topic, false);
      ws.topic(topic, true);
    }
  }
  session.setState("open", "upgrade done");
  if (buffered.length > 0) {
    // Polling entries are `<type><text>` or `b<base64>`: binary ones go back to binary frames.
    const frames = buffered.map((entry) =>
      entry.charCodeAt(0) === 98 /* b */ ? new Uint8Array(Buffer.from(entry.slice(1), "base64")) : entry,
    );
    if (ws.sendMany(frames) === "dropped") session.close("slow consumer");
  }
}
