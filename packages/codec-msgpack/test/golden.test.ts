/**
 * Golden byte vectors from PROTOCOL.md §4.1 and §4.4 (produced by the official
 * socket.io-msgpack-parser), checked in both directions for both codecs:
 * decoding the reference bytes gives the packet, and encoding the packet gives
 * the reference bytes wherever the reference was written by a server (client
 * frames carry `options` and `data: undefined`, which we never write).
 */
import { type Packet, PacketType, ProtocolError } from "@cometa/protocol";
import { describe, expect, it } from "vitest";
import { CODECS, hex, toHex } from "./codecs.js";

const SID = "i1ezW7vXAvURUZsdAAAE";
const sidHex = toHex(new TextEncoder().encode(SID));

interface Golden {
  readonly label: string;
  readonly hex: string;
  readonly packet: Packet;
  /** false when the reference bytes come from a client and differ from what we write. */
  readonly encodes: boolean;
}

const GOLDEN: readonly Golden[] = [
  {
    label: "server EVENT [hello, you] on /",
    hex: "83 a4 74 79 70 65 02 a4 64 61 74 61 92 a5 68 65 6c 6c 6f a3 79 6f 75 a3 6e 73 70 a1 2f",
    packet: { type: PacketType.EVENT, nsp: "/", data: ["hello", "you"] },
    encodes: true,
  },
  {
    label: "client EVENT [hello, x] with ack id 0 and options",
    hex: "85 a4 74 79 70 65 02 a4 64 61 74 61 92 a5 68 65 6c 6c 6f a1 78 a7 6f 70 74 69 6f 6e 73 81 a8 63 6f 6d 70 72 65 73 73 c3 a2 69 64 00 a3 6e 73 70 a1 2f",
    packet: { type: PacketType.EVENT, nsp: "/", data: ["hello", "x"], id: 0 },
    encodes: false,
  },
  {
    label: "server ACK id 0 [ok]",
    hex: "84 a2 69 64 00 a4 74 79 70 65 03 a4 64 61 74 61 91 a2 6f 6b a3 6e 73 70 a1 2f",
    packet: { type: PacketType.ACK, nsp: "/", data: ["ok"], id: 0 },
    encodes: true,
  },
  {
    label: "ACK id 12 [bar]",
    hex: "84 a2 69 64 0c a4 74 79 70 65 03 a4 64 61 74 61 91 a3 62 61 72 a3 6e 73 70 a1 2f",
    packet: { type: PacketType.ACK, nsp: "/", data: ["bar"], id: 12 },
    encodes: true,
  },
  {
    label: "EVENT [foo] id 300 (uint16)",
    hex: "84 a4 74 79 70 65 02 a4 64 61 74 61 91 a3 66 6f 6f a2 69 64 cd 01 2c a3 6e 73 70 a1 2f",
    packet: { type: PacketType.EVENT, nsp: "/", data: ["foo"], id: 300 },
    encodes: true,
  },
  {
    label: "EVENT with Buffer 01 02 03 04",
    hex: "83 a4 74 79 70 65 02 a4 64 61 74 61 92 a3 62 69 6e c4 04 01 02 03 04 a3 6e 73 70 a1 2f",
    packet: { type: PacketType.EVENT, nsp: "/", data: ["bin", new Uint8Array([1, 2, 3, 4])] },
    encodes: true,
  },
  {
    label: "client CONNECT / without auth (data: notepack undefined)",
    hex: "83 a4 74 79 70 65 00 a4 64 61 74 61 d4 00 00 a3 6e 73 70 a1 2f",
    packet: { type: PacketType.CONNECT, nsp: "/" },
    encodes: false,
  },
  {
    label: "client CONNECT /admin with auth {token: abc}",
    hex: "83 a4 74 79 70 65 00 a4 64 61 74 61 81 a5 74 6f 6b 65 6e a3 61 62 63 a3 6e 73 70 a6 2f 61 64 6d 69 6e",
    packet: { type: PacketType.CONNECT, nsp: "/admin", data: { token: "abc" } },
    encodes: true,
  },
  {
    label: "server CONNECT reply without recovery (pid: undefined)",
    hex: `83 a4 74 79 70 65 00 a4 64 61 74 61 82 a3 73 69 64 b4 ${sidHex} a3 70 69 64 d4 00 00 a3 6e 73 70 a1 2f`,
    packet: { type: PacketType.CONNECT, nsp: "/", data: { sid: SID, pid: undefined } },
    encodes: true,
  },
  {
    label: "DISCONNECT /admin",
    hex: "82 a4 74 79 70 65 01 a3 6e 73 70 a6 2f 61 64 6d 69 6e",
    packet: { type: PacketType.DISCONNECT, nsp: "/admin" },
    encodes: true,
  },
  {
    label: "CONNECT_ERROR {message: Not authorized, data: {code: 1}}",
    hex: "83 a4 74 79 70 65 04 a4 64 61 74 61 82 a7 6d 65 73 73 61 67 65 ae 4e 6f 74 20 61 75 74 68 6f 72 69 7a 65 64 a4 64 61 74 61 81 a4 63 6f 64 65 01 a3 6e 73 70 a1 2f",
    packet: { type: PacketType.CONNECT_ERROR, nsp: "/", data: { message: "Not authorized", data: { code: 1 } } },
    encodes: true,
  },
  {
    label: "EVENT with a Date (notepack fixext 8, type 0): 2024-01-01T00:00Z",
    hex: "83 a4 74 79 70 65 02 a4 64 61 74 61 92 a1 64 d7 00 00 00 01 8c c2 51 f4 00 a3 6e 73 70 a1 2f",
    packet: { type: PacketType.EVENT, nsp: "/", data: ["d", new Date(Date.UTC(2024, 0, 1))] },
    encodes: true,
  },
];

/** PROTOCOL.md §4.1: a verified polling GET body (two packets) and a client POST, base64 after "b". */
const POLLING: readonly (readonly [string, Packet, boolean])[] = [
  [
    "bg6R0eXBlAKRkYXRhgqNzaWS0aTFlelc3dlhBdlVSVVpzZEFBQUWjcGlk1AAAo25zcKEv",
    { type: PacketType.CONNECT, nsp: "/", data: { sid: SID, pid: undefined } },
    true,
  ],
  ["bg6R0eXBlAqRkYXRhkqNiaW7EAwECA6Nuc3ChLw==", { type: PacketType.EVENT, nsp: "/", data: ["bin", new Uint8Array([1, 2, 3])] }, true],
  ["bgqR0eXBlAKNuc3ChLw==", { type: PacketType.CONNECT, nsp: "/" }, true],
];

/** Binary values compared by content whatever their class (Buffer vs Uint8Array). */
function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (Array.isArray(value)) return value.map(normalise);
  if (value instanceof Date) return { date: value.getTime() };
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

for (const [name, make] of CODECS) {
  describe(`golden vectors: ${name}`, () => {
    const codec = make();

    it.each(GOLDEN.map((g) => [g.label, g]))("decodes %s", (_label, golden) => {
      const result = codec.createDecoder().add(hex(golden.hex));
      expect(result).not.toBeInstanceOf(ProtocolError);
      expect(normalise(result)).toEqual(normalise(golden.packet));
    });

    it.each(GOLDEN.filter((g) => g.encodes).map((g) => [g.label, g]))("encodes %s byte for byte", (_label, golden) => {
      const frames = codec.encode(golden.packet);
      expect(frames).toHaveLength(1);
      expect(toHex(frames[0] as Uint8Array)).toBe(toHex(hex(golden.hex)));
    });

    it.each(POLLING.map(([b64, packet, encodes]) => [b64, packet, encodes]))(
      "polling entry %s",
      (b64, packet, encodes) => {
        const bytes = new Uint8Array(Buffer.from(b64.slice(1), "base64"));
        expect(normalise(codec.createDecoder().add(bytes))).toEqual(normalise(packet));
        if (encodes) expect(Buffer.from(codec.encode(packet)[0] as Uint8Array).toString("base64")).toBe(b64.slice(1));
      },
    );

    it("decodes the notepack Node forms of ext type 0: ext 8 bytes, fixext 1 undefined, fixext 8 Date", () => {
      // {a: Uint8Array[1,2]} as notepack 2.2 writes a non-Buffer view; {u: undefined}; the Date above.
      const decoder = codec.createDecoder();
      const packet = (data: string) => hex(`83 a4 74 79 70 65 02 a4 64 61 74 61 ${data} a3 6e 73 70 a1 2f`);
      expect(normalise(decoder.add(packet("92 a1 62 c7 02 00 01 02")))).toEqual(
        normalise({ type: 2, nsp: "/", data: ["b", new Uint8Array([1, 2])] }),
      );
      // ext 8 of length 1 and 8 are bytes too (only the fixext forms mean undefined/Date).
      expect(normalise(decoder.add(packet("93 a1 62 c7 01 00 07 c7 08 00 01 02 03 04 05 06 07 08")))).toEqual(
        normalise({ type: 2, nsp: "/", data: ["b", new Uint8Array([7]), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])] }),
      );
      const withUndefined = decoder.add(packet("92 a1 75 81 a1 75 d4 00 00"));
      expect(withUndefined).toEqual({ type: 2, nsp: "/", data: ["u", { u: undefined }] });
      expect(Object.hasOwn((withUndefined as Packet & { data: [string, object] }).data[1], "u")).toBe(true);
    });

    it("decodes fixext 2/4/16 of type 0 as bytes", () => {
      const frame = hex(
        "83 a4 74 79 70 65 02 a4 64 61 74 61 94 a1 62 d5 00 01 02 d6 00 01 02 03 04 d8 00 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f a3 6e 73 70 a1 2f",
      );
      const result = codec.createDecoder().add(frame) as Packet;
      expect(normalise(result.data)).toEqual(
        normalise(["b", new Uint8Array([1, 2]), new Uint8Array([1, 2, 3, 4]), Uint8Array.from({ length: 16 }, (_, i) => i)]),
      );
    });
  });
}
