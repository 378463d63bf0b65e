import { msgpackCodec } from "@cometa/codec-msgpack";
import { type Codec, encodePayloadFrames, type Packet, PacketType, textCodec } from "@cometa/protocol";
import { Opcode, type WsMessage } from "./ws-frames.js";

/**
 * The seed corpus: valid Engine.IO / Socket.IO / MessagePack traffic, built
 * with our own codecs so it is valid by construction. Mutants start from
 * here: a mutant of valid traffic gets past the outer layers and reaches the
 * deep states (namespaces joined, acks pending, attachments awaited) that
 * random bytes never reach.
 */

/** Which parser a seed speaks (the fuzz server runs `codec: "auto"`, so both reach it). */
export type SeedFlavour = "msgpack" | "text";

/** A WebSocket session: the messages a client sends after the 101. */
export interface WsSeed {
  readonly name: string;
  readonly flavour: SeedFlavour;
  /** Open a polling session first and upgrade it (`2probe`, `5`) instead of a direct WebSocket. */
  readonly upgrade: boolean;
  readonly messages: readonly WsMessage[];
}

/** A polling session: the POST bodies sent after the handshake. */
export interface PollingSeed {
  readonly name: string;
  readonly flavour: SeedFlavour;
  readonly bodies: readonly Uint8Array[];
}

const utf8 = new TextEncoder();
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** The Socket.IO conversation every flavour repeats: connect, events with and without acks, rooms, binary, a server ask answered. */
function mainConversation(nsp: string): Packet[] {
  return [
    { type: PacketType.CONNECT, nsp },
    { type: PacketType.EVENT, nsp, data: ["echo", 1, "a", { k: [1, 2, null], t: true }], id: 1 },
    { type: PacketType.EVENT, nsp, data: ["join", "room-1"], id: 2 },
    { type: PacketType.EVENT, nsp, data: ["broadcast", "room-1", "hello"] },
    { type: PacketType.EVENT, nsp, data: ["bin", bytes(1, 2, 3, 0xff)], id: 3 },
    { type: PacketType.EVENT, nsp, data: ["ask"] },
    { type: PacketType.ACK, nsp, data: ["yes"], id: 0 },
    { type: PacketType.EVENT, nsp, data: ["leave", "room-1"] },
    { type: PacketType.DISCONNECT, nsp },
  ];
}

/** Several namespaces on one connection: middleware with auth, a dynamic one, an unknown one. */
function namespaceConversation(): Packet[] {
  return [
    { type: PacketType.CONNECT, nsp: "/admin", data: { token: "ok" } },
    { type: PacketType.CONNECT, nsp: "/dyn-1" },
    { type: PacketType.CONNECT, nsp: "/" },
    { type: PacketType.EVENT, nsp: "/admin", data: ["join", "ops"], id: 4 },
    { type: PacketType.EVENT, nsp: "/dyn-1", data: ["echo", { nested: [[[1]]] }], id: 7 },
    { type: PacketType.CONNECT, nsp: "/nope" },
    { type: PacketType.EVENT, nsp: "/", data: ["bin", bytes(0), bytes(1, 2)], id: 8 },
    { type: PacketType.DISCONNECT, nsp: "/dyn-1" },
  ];
}

function frames(codec: Codec, packets: readonly Packet[]): (string | Uint8Array)[] {
  return packets.flatMap((packet) => codec.encode(packet));
}

/** Socket.IO frames as WebSocket messages: text frames carry an Engine.IO `4` prefix, binary frames are raw. */
function asWsMessages(list: readonly (string | Uint8Array)[]): WsMessage[] {
  return list.map((frame) =>
    typeof frame === "string"
      ? { opcode: Opcode.TEXT, payload: utf8.encode("4" + frame) }
      : { opcode: Opcode.BINARY, payload: frame },
  );
}

const engineText = (text: string): WsMessage => ({ opcode: Opcode.TEXT, payload: utf8.encode(text) });

/** The WebSocket seeds. */
export function wsSeeds(): WsSeed[] {
  const msgpackMain = asWsMessages(frames(msgpackCodec, mainConversation("/")));
  const textMain = asWsMessages(frames(textCodec, mainConversation("/")));
  const probe = [engineText("2probe"), engineText("5")];
  return [
    { name: "ws-msgpack-main", flavour: "msgpack", upgrade: false, messages: msgpackMain },
    { name: "ws-msgpack-namespaces", flavour: "msgpack", upgrade: false, messages: asWsMessages(frames(msgpackCodec, namespaceConversation())) },
    { name: "ws-text-main", flavour: "text", upgrade: false, messages: textMain },
    { name: "ws-text-namespaces", flavour: "text", upgrade: false, messages: asWsMessages(frames(textCodec, namespaceConversation())) },
    {
      name: "ws-engine",
      flavour: "text",
      upgrade: false,
      messages: [engineText("40"), engineText("3"), engineText("6"), engineText("bAQID"), engineText("2"), engineText("42[\"echo\"]"), engineText("1")],
    },
    { name: "upgrade-msgpack", flavour: "msgpack", upgrade: true, messages: [...probe, ...msgpackMain] },
    { name: "upgrade-text", flavour: "text", upgrade: true, messages: [...probe, ...textMain] },
  ];
}

/** Frames of a conversation cut into polling bodies of `perBody` packets each. */
function pollingBodies(list: readonly (string | Uint8Array)[], perBody: number): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  for (let at = 0; at < list.length; at += perBody) bodies.push(utf8.encode(encodePayloadFrames(list.slice(at, at + perBody))));
  return bodies;
}

/** The polling seeds (POST bodies: packets joined by 0x1E, binary as `b` + base64). */
export function pollingSeeds(): PollingSeed[] {
  return [
    { name: "poll-text-main", flavour: "text", bodies: pollingBodies(frames(textCodec, mainConversation("/")), 3) },
    { name: "poll-msgpack-main", flavour: "msgpack", bodies: pollingBodies(frames(msgpackCodec, mainConversation("/")), 3) },
    { name: "poll-text-namespaces", flavour: "text", bodies: pollingBodies(frames(textCodec, namespaceConversation()), 4) },
    { name: "poll-msgpack-namespaces", flavour: "msgpack", bodies: pollingBodies(frames(msgpackCodec, namespaceConversation()), 4) },
    { name: "poll-engine", flavour: "text", bodies: [utf8.encode("40"), utf8.encode("3\x1e6\x1e42[\"echo\",1]"), utf8.encode("1")] },
  ];
}

/** Query strings of the Engine.IO handshake (the path is fixed). */
export const HANDSHAKE_QUERIES: readonly string[] = [
  "EIO=4&transport=polling&t=PqJ8zrk",
  "EIO=4&transport=polling&b64=1&t=PqJ8zrl",
  "EIO=4&transport=websocket",
  "EIO=3&transport=polling&t=x",
  "EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA",
];

/** Whole HTTP requests (the `H` layer): the server's and uWS's request handling, including bodies. */
export function rawHttpSeeds(): Uint8Array[] {
  const requests = [
    "GET /socket.io/?EIO=4&transport=polling&t=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\nConnection: close\r\n\r\n",
    "POST /socket.io/?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 2\r\nConnection: close\r\n\r\n40",
    "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    "OPTIONS /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://127.0.0.1\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n",
    "POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n40\r\n0\r\n\r\n",
  ];
  return requests.map((r) => utf8.encode(r));
}

/** The WebSocket upgrade request head for `query` (`{SID}` is replaced by the polling session's id on upgrades). */
export function upgradeRequest(query: string): Uint8Array {
  return utf8.encode(
    `GET /socket.io/?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
}
