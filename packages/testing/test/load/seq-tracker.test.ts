import { describe, expect, it } from "vitest";
import { addTotals, emptyTotals, SeqTracker } from "../../src/load/seq-tracker.js";

describe("SeqTracker", () => {
  it("counts a whole in-order stream as received, nothing else", () => {
    const tracker = new SeqTracker();
    for (let seq = 0; seq < 5000; seq++) tracker.record(seq);
    expect(tracker.totals(5000)).toEqual({ received: 5000, lost: 0, dup: 0, reordered: 0 });
  });

  it("counts gaps as lost, repeats as dup and late arrivals as reordered", () => {
    const tracker = new SeqTracker();
    for (const seq of [0, 1, 3, 2, 3, 5]) tracker.record(seq);
    // 4 never came, 6 and 7 were sent but not seen: 3 lost; 3 twice; 2 after 3.
    expect(tracker.totals(8)).toEqual({ received: 6, lost: 3, dup: 1, reordered: 1 });
  });

  it("treats a garbled seq as out of order rather than ignoring it", () => {
    const tracker = new SeqTracker();
    tracker.record(0);
    tracker.record(-1);
    tracker.record(1.5);
    expect(tracker.totals(1)).toEqual({ received: 1, lost: 0, dup: 0, reordered: 2 });
  });

  it("adds totals of many receivers", () => {
    const sum = addTotals(addTotals(emptyTotals(), { received: 3, lost: 1, dup: 0, reordered: 2 }), { received: 1, lost: 0, dup: 4, reordered: 0 });
    expect(sum).toEqual({ received: 4, lost: 1, dup: 4, reordered: 2 });
  });
});
