import { describe, expect, it } from "vitest";
import { type ChainStep, runChain } from "../src/middleware-chain.js";

describe("runChain", () => {
  const log: string[] = [];
  const step =
    (name: string): ChainStep<string> =>
    (arg, next) => {
      log.push(`${name}:${arg}`);
      next();
    };

  it("runs steps in order, then done once", () => {
    log.length = 0;
    const results: unknown[] = [];
    runChain([step("a"), step("b")], "x", (err, thrown) => results.push([err, thrown]));
    expect(log).toEqual(["a:x", "b:x"]);
    expect(results).toEqual([[undefined, false]]);
  });

  it("stops at the first error; a second next() call is ignored", () => {
    log.length = 0;
    const results: unknown[] = [];
    const twice: ChainStep<string> = (_arg, next) => {
      next();
      next();
    };
    runChain([twice, (_a, next) => next(new Error("no")), step("never")], "x", (err) => results.push(err));
    expect(results).toEqual([expect.objectContaining({ message: "no" })]);
    expect(log).toEqual([]);
  });

  it("turns a synchronous throw into done(err, thrown=true)", () => {
    const results: unknown[] = [];
    runChain(
      [
        () => {
          throw new Error("bug");
        },
      ],
      "x",
      (err, thrown) => results.push([err?.message, thrown]),
    );
    expect(results).toEqual([["bug", true]]);
  });

  it("lets an error thrown by done (or a later step) propagate instead of swallowing it", () => {
    expect(() =>
      runChain([step("a")], "x", () => {
        throw new Error("from done");
      }),
    ).toThrow("from done");
  });

  it("stops silently when alive() turns false", () => {
    let release!: () => void;
    const results: unknown[] = [];
    let alive = true;
    runChain(
      [(_a, next) => (release = next), step("b")],
      "x",
      (err) => results.push(err),
      () => alive,
    );
    alive = false;
    release();
    expect(results).toEqual([]);
  });
});
