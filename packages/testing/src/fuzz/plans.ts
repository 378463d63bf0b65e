import { mutateFraming } from "./frame-mutations.js";
import { concat } from "./length-fields.js";
import { type Flavour, flipBits, mutate, splice } from "./mutator.js";
import { Prng } from "./prng.js";
import {
  HANDSHAKE_QUERIES,
  type PollingSeed,
  pollingSeeds,
  rawHttpSeeds,
  upgradeRequest,
  type WsSeed,
  wsSeeds,
} from "./seeds.js";
import { encodeClientFrames, Opcode, type WsMessage } from "./ws-frames.js";

/**
 * What one fuzz execution sends: a plan is pure data, derived only from
 * `(run seed, phase, index)`, so a crash report can name the plans of the
 * failing batch and a replay rebuilds the exact bytes.
 */

/** The two halves of a run. */
export type FuzzPhase = "websocket" | "polling";

const PHASE_NUMBER: Record<FuzzPhase, number> = { websocket: 1, polling: 2 };

/** How the seed was changed (reported per crash, and useful to weigh strategies). */
export type Strategy = "valid" | "havoc" | "zzuf" | "sequence" | "splice" | "framing" | "head" | "sid" | "raw-http";

/** A WebSocket session: request head, then the framed messages (a close frame is added by the executor). */
export interface WsPlan {
  readonly kind: "ws";
  readonly seed: string;
  readonly strategy: Strategy;
  /** Open a polling session first and put its sid into `head` (`{SID}`). */
  readonly upgrade: boolean;
  readonly head: Uint8Array;
  readonly wire: Uint8Array;
}

/** A polling session: handshake, then POST bodies, optionally a GET and a close. */
export interface PollingPlan {
  readonly kind: "polling";
  readonly seed: string;
  readonly strategy: Strategy;
  /** `valid`: the session's sid; `bogus`: a mutated one; `none`: no sid parameter. */
  readonly sid: "valid" | "bogus" | "none";
  readonly bodies: readonly Uint8Array[];
  /**
   * After the POSTs: `get` polls once (reads the replies, or the close),
   * `close` sends an Engine.IO close packet, `abandon` walks away and leaves
   * the session to the heartbeat, which must reap it. Abandoning is kept
   * rare: abandoned sessions count against the server's per-address cap.
   */
  readonly ending: "get" | "close" | "abandon";
}

/** Raw bytes on a fresh TCP connection (HTTP request layer). */
export interface HttpPlan {
  readonly kind: "http";
  readonly seed: string;
  readonly strategy: Strategy;
  readonly bytes: Uint8Array;
}

/** One execution. */
export type ExecPlan = WsPlan | PollingPlan | HttpPlan;

/**
 * The seed corpus with the strategies that turn it into plans.
 *
 * @example
 * ```ts
 * const corpus = new Corpus();
 * const plan = corpus.plan("websocket", 0xc0ffee, 42); // always the same plan for these three
 * ```
 */
export class Corpus {
  readonly ws: readonly WsSeed[] = wsSeeds();
  readonly polling: readonly PollingSeed[] = pollingSeeds();
  readonly http: readonly Uint8Array[] = rawHttpSeeds();

  /** The plan of execution `index` of `phase` in the run seeded with `seed`. */
  plan(phase: FuzzPhase, seed: number, index: number): ExecPlan {
    const prng = Prng.derive(seed, PHASE_NUMBER[phase], index);
    if (phase === "websocket") return prng.chance(0.08) ? this.upgradeHeadPlan(prng) : this.wsPlan(prng);
    const roll = prng.float();
    if (roll < 0.12) return this.handshakeQueryPlan(prng);
    if (roll < 0.22) return this.rawHttpPlan(prng);
    return this.pollingPlan(prng);
  }

  private wsPlan(prng: Prng): WsPlan {
    const seed = prng.pick(this.ws);
    const head = upgradeRequest(seed.upgrade ? "EIO=4&transport=websocket&sid={SID}" : "EIO=4&transport=websocket");
    const strategy = prng.weighted<Strategy>([
      [5, "valid"],
      [50, "havoc"],
      [10, "zzuf"],
      [15, "sequence"],
      [5, "splice"],
      [15, "framing"],
    ]);
    let messages = [...seed.messages];
    switch (strategy) {
      case "havoc":
        for (let n = prng.range(1, 2); n > 0; n--) messages = mutateOne(messages, prng, seed.flavour);
        break;
      case "zzuf": {
        const ratio = prng.pick([0.001, 0.004, 0.01, 0.04]);
        messages = messages.map((m) => ({ opcode: m.opcode, payload: flipBits(m.payload, ratio, prng) }));
        break;
      }
      case "sequence":
        messages = this.reshuffle(messages, prng);
        break;
      case "splice": {
        const at = prng.int(messages.length);
        const other = prng.pick(prng.pick(this.ws).messages);
        messages[at] = { opcode: messages[at]!.opcode, payload: splice(messages[at]!.payload, other.payload, prng) };
        break;
      }
      default:
        break;
    }
    const encoded = encodeClientFrames(messages, { fragments: prng.chance(0.1) ? prng.range(2, 4) : 1 });
    const wire = strategy === "framing" ? mutateFraming(encoded, prng) : encoded.wire;
    return { kind: "ws", seed: seed.name, strategy, upgrade: seed.upgrade, head, wire };
  }

  /** Message-sequence mutations: drop, duplicate, swap, retype, foreign messages, oversized control frames. */
  private reshuffle(input: WsMessage[], prng: Prng): WsMessage[] {
    const messages = [...input];
    const at = prng.int(messages.length);
    switch (prng.int(6)) {
      case 0:
        messages.splice(at, 1);
        break;
      case 1:
        messages.splice(at, 0, ...new Array<WsMessage>(prng.range(1, 20)).fill(messages[at]!));
        break;
      case 2: {
        const other = prng.int(messages.length);
        [messages[at], messages[other]] = [messages[other]!, messages[at]!];
        break;
      }
      case 3: {
        const m = messages[at]!;
        messages[at] = { opcode: m.opcode === Opcode.TEXT ? Opcode.BINARY : Opcode.TEXT, payload: m.payload };
        break;
      }
      case 4:
        messages.splice(at, 0, prng.pick(prng.pick(this.ws).messages));
        break;
      default:
        // Control frames may not carry more than 125 bytes (RFC 6455 §5.5).
        messages.splice(at, 0, { opcode: prng.pick([Opcode.PING, Opcode.PONG]), payload: new Uint8Array(prng.pick([0, 125, 126, 4000])) });
        break;
    }
    return messages;
  }

  /** A mutated upgrade request head: the HTTP layer of the WebSocket transport. */
  private upgradeHeadPlan(prng: Prng): WsPlan {
    const seed = prng.pick(this.ws.filter((s) => !s.upgrade));
    const head = mutate(upgradeRequest("EIO=4&transport=websocket"), prng, "http");
    return { kind: "ws", seed: seed.name, strategy: "head", upgrade: false, head, wire: encodeClientFrames(seed.messages).wire };
  }

  private pollingPlan(prng: Prng): PollingPlan {
    const seed = prng.pick(this.polling);
    const strategy = prng.weighted<Strategy>([
      [5, "valid"],
      [55, "havoc"],
      [10, "zzuf"],
      [15, "sequence"],
      [10, "splice"],
      [5, "sid"],
    ]);
    let bodies = [...seed.bodies];
    const at = prng.int(bodies.length);
    switch (strategy) {
      case "havoc":
        // MessagePack travels as base64 entries: mutate the decoded bytes half the time, or only the base64 decoder is hit.
        bodies[at] =
          seed.flavour === "msgpack" && prng.chance(0.5) ? mutateBase64Entry(bodies[at]!, prng) : mutate(bodies[at]!, prng, "text");
        break;
      case "zzuf": {
        const ratio = prng.pick([0.001, 0.004, 0.01, 0.04]);
        bodies = bodies.map((b) => flipBits(b, ratio, prng));
        break;
      }
      case "sequence":
        bodies = prng.chance(0.5)
          ? [concat(...bodies.flatMap((b, i) => (i === 0 ? [b] : [Uint8Array.of(0x1e), b])))] // everything in one POST
          : bodies.filter(() => prng.chance(0.6)).concat(prng.chance(0.5) ? [bodies[at]!, bodies[at]!] : []);
        break;
      case "splice":
        bodies[at] = splice(bodies[at]!, prng.pick(prng.pick(this.polling).bodies), prng);
        break;
      default:
        break;
    }
    const sid = strategy === "sid" ? prng.pick(["bogus", "none"] as const) : "valid";
    const ending = prng.weighted([
      [45, "get"],
      [45, "close"],
      [10, "abandon"],
    ] as const);
    return { kind: "polling", seed: seed.name, strategy, sid, bodies, ending };
  }

  /** A handshake GET whose query string is mutated (sent raw: Node's HTTP client refuses bad paths). */
  private handshakeQueryPlan(prng: Prng): HttpPlan {
    const query = mutate(new TextEncoder().encode(prng.pick(HANDSHAKE_QUERIES)), prng, "http");
    const bytes = concat(
      new TextEncoder().encode("GET /socket.io/?"),
      query,
      new TextEncoder().encode(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    );
    return { kind: "http", seed: "handshake-query", strategy: "head", bytes };
  }

  private rawHttpPlan(prng: Prng): HttpPlan {
    const index = prng.int(this.http.length);
    const bytes = prng.chance(0.2) ? flipBits(this.http[index]!, 0.01, prng) : mutate(this.http[index]!, prng, "http");
    return { kind: "http", seed: `raw-http-${index}`, strategy: "raw-http", bytes };
  }
}

/** Havoc on one message, with the dictionary that matches its frame type. */
function mutateOne(messages: WsMessage[], prng: Prng, seedFlavour: Flavour): WsMessage[] {
  const out = [...messages];
  const at = prng.int(out.length);
  const m = out[at]!;
  const flavour: Flavour = m.opcode === Opcode.TEXT ? "text" : seedFlavour === "text" ? "msgpack" : seedFlavour;
  out[at] = { opcode: m.opcode, payload: mutate(m.payload, prng, flavour) };
  return out;
}

/** Mutate the MessagePack inside one `b<base64>` entry of a polling body and re-encode it. */
function mutateBase64Entry(body: Uint8Array, prng: Prng): Uint8Array {
  const entries = Buffer.from(body).toString("latin1").split("\x1e");
  const binary = entries.flatMap((entry, i) => (entry.startsWith("b") ? [i] : []));
  if (binary.length === 0) return mutate(body, prng, "text");
  const i = prng.pick(binary);
  const decoded = Buffer.from(entries[i]!.slice(1), "base64");
  entries[i] = "b" + Buffer.from(mutate(decoded, prng, "msgpack")).toString("base64");
  return Buffer.from(entries.join("\x1e"), "latin1");
}
