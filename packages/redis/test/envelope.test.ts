import { ClusterMessageType, type ClusterMessage } from "@cometa/server/cluster";
import { describe, expect, it } from "vitest";
import { decodeBody, encodeBody, FLAG_MULTI_ROOM, readHeader, wrapBody } from "../src/envelope.js";

const message: ClusterMessage = {
  uid: "0123456789abcdef",
  nsp: "/chat",
  type: ClusterMessageType.BROADCAST,
  data: {
    opts: { rooms: ["a", "b"], except: ["c"], flags: { volatile: true } },
    packet: { type: 2, nsp: "/chat", data: ["ev", 1, { x: [true, null] }, Buffer.from([9, 8])] },
  },
};

describe("envelope", () => {
  it("round-trips header and body; the header reads without decoding the body", () => {
    const body = encodeBody(message);
    const bytes = wrapBody(body, FLAG_MULTI_ROOM, "pub1", message.uid, 42, 7);
    const header = readHeader(bytes)!;
    expect(header).toMatchObject({ flags: FLAG_MULTI_ROOM, publisher: "pub1", sender: message.uid, seq: 42, bid: 7 });
    const decoded = decodeBody(bytes, header.bodyOffset)!;
    expect(decoded).toMatchObject({ uid: message.uid, nsp: "/chat", type: 3 });
    expect(decoded.data).toMatchObject({ opts: { rooms: ["a", "b"], except: ["c"], flags: { volatile: true } } });
    const packet = (decoded.data as { packet: { data: unknown[] } }).packet;
    expect(packet.data.slice(0, 3)).toEqual(["ev", 1, { x: [true, null] }]);
    expect(Buffer.from(packet.data[3] as Uint8Array)).toEqual(Buffer.from([9, 8]));
  });

  it("rejects foreign or damaged bytes without throwing", () => {
    expect(readHeader(Buffer.from("hello"))).toBeUndefined(); // e.g. an upstream adapter's message
    expect(readHeader(Buffer.from([1, 0, 200]))).toBeUndefined(); // truncated
    const bytes = wrapBody(encodeBody(message), 0, "p", "s", 1, 1);
    const header = readHeader(bytes)!;
    expect(decodeBody(bytes.subarray(0, bytes.length - 3), header.bodyOffset)).toBeUndefined();
    const hostile = Buffer.concat([bytes.subarray(0, header.bodyOffset), Buffer.from([0xc1])]);
    expect(decodeBody(hostile, header.bodyOffset)).toBeUndefined();
  });
});
