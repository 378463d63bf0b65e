import { describe, expect, it } from "vitest";
import { createTextCodec, type Frame, ProtocolError, textCodec } from "../src/index.js";

/** Feed frames to one fresh decoder and return every result. */
function decodeAll(frames: readonly Frame[], codec = textCodec): unknown[] {
  const decoder = codec.createDecoder();
  return frames.map((f) => decoder.add(f));
}

function expectCode(result: unknown, code: string): void {
  expect(result).toBeInstanceOf(ProtocolError);
  expect((result as ProtocolError).code).toBe(code);
}

const bin = new Uint8Array([1, 2, 3]);

describe("text codec: hostile input (RELIABILITY.md M13–M16)", () => {
  describe("CVE-2022-2421 placeholders are rejected at the text frame", () => {
    it.each([
      ["num splice", '{"_placeholder":true,"num":"splice"}'],
      ["num -1", '{"_placeholder":true,"num":-1}'],
      ["num 99", '{"_placeholder":true,"num":99}'],
      ["num equal to the count", '{"_placeholder":true,"num":1}'],
      ["num 0.5", '{"_placeholder":true,"num":0.5}'],
      ['num "0"', '{"_placeholder":true,"num":"0"}'],
      ["num null", '{"_placeholder":true,"num":null}'],
      ["no num", '{"_placeholder":true}'],
      ["extra key", '{"_placeholder":true,"num":0,"x":1}'],
      ["nested bad placeholder", '{"a":[{"_placeholder":true,"num":"toString"}]}'],
    ])("%s", (_label, json) => {
      const [first, second] = decodeAll([`51-["e",${json}]`, bin]);
      expectCode(first, "INVALID_ATTACHMENTS");
      // The decoder reset: the attachment that follows is unexpected.
      expectCode(second, "INVALID_ATTACHMENTS");
    });

    it("never puts a function or an out-of-range value into the arguments", () => {
      const results = decodeAll(['51-["e",{"_placeholder":true,"num":"splice"}]', bin, '2["ok"]']);
      expect(results[2]).toEqual({ type: 2, nsp: "/", data: ["ok"] });
    });

    it("a placeholder-looking object with _placeholder other than true is plain data", () => {
      const [first, second] = decodeAll(['51-["e",{"_placeholder":"yes","num":"splice"},{"_placeholder":true,"num":0}]', bin]);
      expect(first).toBeUndefined();
      expect(second).toEqual({ type: 2, nsp: "/", data: ["e", { _placeholder: "yes", num: "splice" }, bin] });
    });
  });

  describe("attachment counts", () => {
    it("2 declared, 1 sent, then a text frame: rejected", () => {
      const results = decodeAll(['52-["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', bin, '2["next"]', '2["after"]']);
      expect(results[0]).toBeUndefined();
      expect(results[1]).toBeUndefined();
      expectCode(results[2], "INVALID_ATTACHMENTS");
      expect(results[3]).toEqual({ type: 2, nsp: "/", data: ["after"] });
    });

    it("1 declared, 2 sent: the extra binary frame is rejected", () => {
      const results = decodeAll(['51-["e",{"_placeholder":true,"num":0}]', bin, bin]);
      expect(results[1]).toEqual({ type: 2, nsp: "/", data: ["e", bin] });
      expectCode(results[2], "INVALID_ATTACHMENTS");
    });

    it("a binary frame when none is expected is rejected", () => {
      expectCode(decodeAll([bin])[0], "INVALID_ATTACHMENTS");
    });

    it("reset() frees pending attachment state", () => {
      const decoder = textCodec.createDecoder();
      expect(decoder.add('52-["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]')).toBeUndefined();
      decoder.reset();
      expectCode(decoder.add(bin), "INVALID_ATTACHMENTS");
    });

    it.each([
      ["missing count", '5-["e"]'],
      ["zero", '50-["e"]'],
      ["letter", '5a-["e"]'],
      ["no dash", '51["e"]'],
      ["11 > default max 10", '511-["e"]'],
      ["huge", '599999999999999999999-["e"]'],
      ["count only", "51"],
    ])("attachment header %s is rejected", (_label, text) => {
      expectCode(decodeAll([text])[0], "INVALID_ATTACHMENTS");
    });

    it("maxAttachments is configurable", () => {
      const codec = createTextCodec({ maxAttachments: 2 });
      const three = codec.encode({ type: 2, nsp: "/", data: ["e", bin, bin, bin] });
      expectCode(decodeAll(three, codec)[0], "INVALID_ATTACHMENTS");
      const two = codec.encode({ type: 2, nsp: "/", data: ["e", bin, bin] });
      expect(decodeAll(two, codec)[2]).toEqual({ type: 2, nsp: "/", data: ["e", bin, bin] });
    });

    it("10 attachments (the default max) are accepted", () => {
      const args = Array.from({ length: 10 }, (_, i) => new Uint8Array([i]));
      const frames = textCodec.encode({ type: 2, nsp: "/", data: ["e", ...args] });
      expect(frames[0]).toMatch(/^510-/);
      expect(decodeAll(frames).at(-1)).toEqual({ type: 2, nsp: "/", data: ["e", ...args] });
    });

    it("decoded attachments are plain Uint8Array views, even from a Buffer frame", () => {
      const results = decodeAll(['51-["e",{"_placeholder":true,"num":0}]', Buffer.from([7, 8])]);
      const value = (results[1] as { data: unknown[] }).data[1] as Uint8Array;
      expect(value.constructor).toBe(Uint8Array);
      expect(Array.from(value)).toEqual([7, 8]);
    });
  });

  describe("value limits", () => {
    it("10 KB event name is allowed at this layer", () => {
      const name = "n".repeat(10_240);
      expect(decodeAll([`2${JSON.stringify([name, 1])}`])[0]).toEqual({ type: 2, nsp: "/", data: [name, 1] });
    });

    it("nesting 100 000 deep gives DECODE_DEPTH_EXCEEDED, not a RangeError", () => {
      const depth = 100_000;
      expectCode(decodeAll([`2["e",${"[".repeat(depth)}${"]".repeat(depth)}]`])[0], "DECODE_DEPTH_EXCEEDED");
      expectCode(decodeAll([`0${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`])[0], "DECODE_DEPTH_EXCEEDED");
    });

    it("20 000 values give DECODE_BUDGET_EXCEEDED", () => {
      expectCode(decodeAll([`2["e",[${new Array(20_000).fill(0).join(",")}]]`])[0], "DECODE_BUDGET_EXCEEDED");
    });

    it.each([
      ["in event args", '2["e",{"__proto__":{"isAdmin":true}}]'],
      ["in CONNECT auth", '0{"__proto__":{"isAdmin":true}}'],
      ["nested", '2["e",{"a":[{"b":{"__proto__":{"isAdmin":true}}}]}]'],
      ["in a binary packet", '51-["e",{"__proto__":{"_placeholder":true,"num":0}}]'],
    ])("__proto__ %s gives DECODE_FORBIDDEN_KEY and pollutes nothing", (_label, text) => {
      expectCode(decodeAll([text])[0], "DECODE_FORBIDDEN_KEY");
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it("keys named like Object.prototype members stay own data (M6)", () => {
      const result = decodeAll(['2["e",{"constructor":{"prototype":{"x":1}},"hasOwnProperty":1,"toString":"s"}]'])[0] as { data: unknown[] };
      const arg = result.data[1] as Record<string, unknown>;
      expect(Object.hasOwn(arg, "hasOwnProperty")).toBe(true);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });
  });

  describe("malformed frames", () => {
    it.each([
      ["empty", "", "INVALID_PACKET"],
      ["type 7", "7", "INVALID_PACKET"],
      ["type letter", 'x["e"]', "INVALID_PACKET"],
      ["leading space", ' 2["e"]', "INVALID_PACKET"],
      ["truncated JSON", '2["e"', "DECODE_MALFORMED"],
      ["trailing garbage", '2["e"]x', "DECODE_MALFORMED"],
      ["two payloads", '2["e"]["f"]', "DECODE_MALFORMED"],
      ["id 2^31", '22147483648["e"]', "INVALID_ACK_ID"],
      ["id with 12 digits", '2999999999999["e"]', "INVALID_ACK_ID"],
      ["id 1e27", '21e+27["e"]', "DECODE_MALFORMED"],
      ["id -1", '2-1["e"]', "DECODE_MALFORMED"],
      ["ACK without id", '3["ok"]', "INVALID_ACK_ID"],
      ["EVENT without data", "2", "INVALID_PACKET"],
      ["EVENT with empty array", "2[]", "INVALID_PACKET"],
      ["EVENT named connect", '2["connect"]', "INVALID_PACKET"],
      ["EVENT named removeListener", '2["removeListener"]', "INVALID_PACKET"],
      ["EVENT data object", '2{"a":1}', "INVALID_PACKET"],
      ["EVENT data null", "2null", "INVALID_PACKET"],
      ["CONNECT data string", '0"token"', "INVALID_PACKET"],
      ["CONNECT data null", "0null", "INVALID_PACKET"],
      ["DISCONNECT with data", "1{}", "INVALID_PACKET"],
      ["CONNECT_ERROR without data", "4", "INVALID_PACKET"],
      ["CONNECT_ERROR number", "41", "INVALID_PACKET"],
      ["namespace without comma swallows the data", '2/admin["e"]', "INVALID_PACKET"],
      ["namespace with NUL", '2/a\u0000,["e"]', "INVALID_NAMESPACE"],
      ["namespace 10 KB", `2/${"x".repeat(10_240)},["e"]`, "INVALID_NAMESPACE"],
    ])("%s", (_label, text, code) => {
      expectCode(decodeAll([text])[0], code);
    });
  });
});
