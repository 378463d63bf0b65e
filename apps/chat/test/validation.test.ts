import { describe, expect, it } from "vitest";
import { checkDraft, checkName, checkRoom } from "../src/shared/validation.js";

describe("shared input rules", () => {
  it("cleans and accepts names, refusing empty, long and odd ones with INVALID_NAME", () => {
    expect(checkName("  Ada   Lovelace ")).toEqual({ ok: true, value: "Ada Lovelace" });
    expect(checkName("Zoë_O'Neil-2")).toEqual({ ok: true, value: "Zoë_O'Neil-2" });
    expect(checkName("李小龍")).toEqual({ ok: true, value: "李小龍" });
    expect(checkName("tab\there")).toEqual({ ok: true, value: "tab here" });
    for (const bad of [undefined, 7, "", "   ", "-dash", "<b>", "a\u0000b", "zero\u200bwidth", "x".repeat(25), "😀"]) {
      const result = checkName(bad);
      expect(result.ok, String(bad)).toBe(false);
      if (!result.ok) expect(result.code).toBe("INVALID_NAME");
    }
    expect(checkName("x".repeat(24)).ok).toBe(true);
  });

  it("normalises room names and refuses anything outside a-z, 0-9 and inner dashes", () => {
    expect(checkRoom(" #Dev-Ops ")).toEqual({ ok: true, value: "dev-ops" });
    for (const bad of ["", "#", "-lead", "trail-", "two words", "../x", "x".repeat(33), null]) {
      expect(checkRoom(bad)).toMatchObject({ ok: false, code: "INVALID_ROOM" });
    }
  });

  it("checks drafts field by field", () => {
    expect(checkDraft({ id: "abcdefgh", room: "#General", text: " hi " })).toEqual({
      ok: true,
      value: { id: "abcdefgh", room: "general", text: "hi" },
    });
    expect(checkDraft({ id: "short", room: "general", text: "hi" })).toMatchObject({ code: "INVALID_MESSAGE" });
    expect(checkDraft({ id: "abcdefgh", room: "no way", text: "hi" })).toMatchObject({ code: "INVALID_ROOM" });
    expect(checkDraft({ id: "abcdefgh", room: "general", text: 5 })).toMatchObject({ code: "INVALID_MESSAGE" });
    expect(checkDraft([])).toMatchObject({ code: "INVALID_MESSAGE" });
  });
});
