import { msgpackCodec } from "@cometa/codec-msgpack";
import { type Codec, textCodec } from "@cometa/protocol";
import fc from "fast-check";
import { describe as suite, expect, it } from "vitest";
import { type Action, action, apply, describe } from "./state-machine/actions.js";
import { checkInvariants } from "./state-machine/invariants.js";
import { World } from "./state-machine/world.js";

/**
 * fast-check properties over the Socket.IO layer's state machine: arbitrary
 * sequences of client packets, garbage, drops, clock jumps and server-side
 * room operations, with every invariant checked after every step (see
 * state-machine/invariants.ts). Runs the server in-process on the server
 * package's fake engine and fake clock, once per codec.
 */

/** Runs per codec; `FC_NUM_RUNS` and `FC_SEED` widen the search locally (e.g. FC_NUM_RUNS=20000). */
const RUNS = Number(process.env.FC_NUM_RUNS ?? 400);
const SEED = Number(process.env.FC_SEED ?? 0x5eed);

/** Run `actions` and return the first violation (with the step that caused it), or undefined. */
async function run(codec: Codec, actions: readonly Action[]): Promise<string | undefined> {
  const world = new World(codec);
  for (const [step, a] of actions.entries()) {
    apply(world, a); // a throw here fails the property: no exception may escape the server
    const violations = checkInvariants(world);
    if (violations.length > 0) return `after step ${step} ${describe(a)}:\n  ${violations.join("\n  ")}`;
  }
  await world.io.close();
  const leftover = [...world.sockets()].map((s) => `${s.nsp.name}:${s.id}`);
  if (leftover.length > 0 || world.engine.connections.size > 0) return `after close: sockets ${leftover.join(", ")}, connections ${world.engine.connections.size}`;
  const violations = checkInvariants(world);
  return violations.length > 0 ? `after close:\n  ${violations.join("\n  ")}` : undefined;
}

for (const codec of [msgpackCodec, textCodec]) {
  suite(`Socket.IO state machine under arbitrary input (${codec.name})`, () => {
    it("keeps every invariant after every step", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 60, size: "max" }), async (actions) => {
          expect(await run(codec, actions)).toBeUndefined();
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });

    it("reaches the deep states it claims to test", async () => {
      // Guard against a vacuous property: over a sample of runs, sockets join, rooms fill, asks are answered,
      // CONNECTs are refused and connections close before joining.
      const reached = { accepted: 0, rooms: 0, answered: 0, closedUnjoined: 0, refused: 0 };
      const samples = fc.sample(fc.array(action, { minLength: 20, maxLength: 60, size: "max" }), { numRuns: 100, seed: 0x5eed });
      for (const actions of samples) {
        const world = new World(codec);
        for (const a of actions) {
          apply(world, a);
          for (const nsp of world.namespaces) reached.rooms += (nsp.adapter as unknown as { rooms: Map<string, unknown> }).rooms.size;
        }
        reached.accepted += world.accepted.size;
        reached.answered += world.asks.filter((a) => a.done).length;
        reached.closedUnjoined += world.peers.filter((p) => p.conn.closed && !world.accepted.has(p.conn)).length;
        for (const p of world.peers) reached.refused += p.refusals;
        await world.io.close();
      }
      expect(reached.accepted).toBeGreaterThan(300);
      expect(reached.rooms).toBeGreaterThan(500);
      expect(reached.answered).toBeGreaterThan(50);
      expect(reached.closedUnjoined).toBeGreaterThan(30);
      expect(reached.refused).toBeGreaterThan(30);
    });
  });
}
