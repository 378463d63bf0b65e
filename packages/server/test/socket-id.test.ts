import { describe, expect, it } from "vitest";
import { createSocketId } from "../src/socket-id.js";

describe("createSocketId", () => {
  it("gives 20 base64url characters that decode to 15 bytes (120 random bits)", () => {
    for (let i = 0; i < 600; i++) {
      const id = createSocketId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
      const bytes = Buffer.from(id, "base64url");
      expect(bytes).toHaveLength(15);
      expect(bytes.toString("base64url")).toBe(id); // canonical: every bit of the id is random data
    }
  });

  it("never repeats, across many refills of the random pool", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) ids.add(createSocketId());
    expect(ids.size).toBe(20_000);
  });

  it("uses the whole alphabet in every position (no stuck bits)", () => {
    const seen = Array.from({ length: 20 }, () => new Set<string>());
    for (let i = 0; i < 4000; i++) {
      const id = createSocketId();
      for (let k = 0; k < 20; k++) seen[k]!.add(id[k]!);
    }
    // 4000 draws of 64 equally likely characters: missing one has probability ~64·e^-62.
    for (const position of seen) expect(position.size).toBe(64);
  });
});
