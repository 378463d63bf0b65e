import { describe, expect, it } from "vitest";
import { type ChainStep, runChain } from "../src/middleware-chain.js";

/** Errors the chain could not hand to `done` (late rejections). */
const reported: unknown[] = [];
const sink = { reportError: (error: unknown) => reported.push(error) };
/** Let promise callbacks run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

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
    runChain([step("a"), step("b")], "x", (err) => results.push(err), sink);
    expect(log).toEqual(["a:x", "b:x"]);
    expect(results).toEqual([undefined]);
  });

  it("stops at the first error; a second next() call is ignored", () => {
    log.length = 0;
    const results: unknown[] = [];
    const twice: ChainStep<string> = (_arg, next) => {
      next();
      next();
    };
    runChain([twice, (_a, next) => next(new Error("no")), step("never")], "x", (err, how) => results.push(err, how), sink);
    expect(results).toEqual([expect.objectContaining({ message: "no" }), "next"]);
    expect(log).toEqual([]);
  });

  it('turns a synchronous throw into done(err, "thrown")', () => {
    const results: unknown[] = [];
    runChain(
      [
        () => {
          throw new Error("bug");
        },
      ],
      "x",
      (err, how) => results.push([err?.message, how]),
      sink,
    );
    expect(results).toEqual([["bug", "thrown"]]);
  });

  it("lets an error thrown by done (or a later step) propagate instead of swallowing it", () => {
    expect(() =>
      runChain(
        [step("a")],
        "x",
        () => {
          throw new Error("from done");
        },
        sink,
      ),
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
      sink,
      () => alive,
    );
    alive = false;
    release();
    expect(results).toEqual([]);
  });

  it('turns a rejected async step into done(err, "rejected") and stops the chain', async () => {
    log.length = 0;
    reported.length = 0;
    const results: unknown[] = [];
    const failing: ChainStep<string> = async () => {
      await Promise.resolve();
      throw new Error("async bug");
    };
    runChain([failing, step("never")], "x", (err, how) => results.push([err?.message, how]), sink);
    expect(results).toEqual([]);
    await flush();
    expect(results).toEqual([["async bug", "rejected"]]);
    expect(log).toEqual([]);
    expect(reported).toEqual([]);
  });

  it("turns a rejection with a non-Error value into an Error", async () => {
    const results: unknown[] = [];
    const failing: ChainStep<string> = () => Promise.reject("plain string") as unknown as undefined;
    runChain([failing], "x", (err) => results.push(err), sink);
    await flush();
    expect(results).toEqual([expect.objectContaining({ message: "plain string" })]);
    expect(results[0]).toBeInstanceOf(Error);
  });

  it("reports a rejection that comes after the step called next() instead of deciding the chain again", async () => {
    log.length = 0;
    reported.length = 0;
    const results: unknown[] = [];
    const lateFailure: ChainStep<string> = async (_arg, next) => {
      next();
      await Promise.resolve();
      throw new Error("after next");
    };
    runChain([lateFailure, step("b")], "x", (err) => results.push(err), sink);
    await flush();
    expect(log).toEqual(["b:x"]);
    expect(results).toEqual([undefined]);
    expect(reported).toEqual([expect.objectContaining({ message: "after next" })]);
  });

  it("reports an error thrown by done when an async step rejected (no caller to throw to)", async () => {
    reported.length = 0;
    const failing: ChainStep<string> = async () => {
      throw new Error("refused");
    };
    runChain(
      [failing],
      "x",
      () => {
        throw new Error("from done");
      },
      sink,
    );
    await flush();
    expect(reported).toEqual([expect.objectContaining({ message: "from done" })]);
  });

  it("an async step that resolves after calling next() leaves nothing to report", async () => {
    reported.length = 0;
    const results: unknown[] = [];
    runChain([async (_a, next) => next()], "x", (err) => results.push(err), sink);
    await flush();
    expect(results).toEqual([undefined]);
    expect(reported).toEqual([]);
  });
});
