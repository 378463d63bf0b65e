/**
 * The client's Socket.IO default text codec (JSON + binary attachments), the
 * one `@cometa/client/json` bundles. The wire is socket.io-parser 4.2's, byte
 * for byte (the same frames as `textCodec` of `@cometa/protocol`, which is
 * tested against socket.io-parser); decoding is as hardened as the server's
 * (see `text-decoder.ts`). It is smaller than the protocol package's
 * `clientTextCodec` because it does only what a client needs: it writes the
 * packets the client builds itself (no validation tables), and reads each
 * frame in one pass.
 */
import { type Codec, type Frame, PACKET_ACK, PACKET_EVENT, type Packet } from "@cometa/protocol";
import { createTextDecoder, failure } from "./text-decoder.js";

/** An `ArrayBuffer` or a view of one (Node `Buffer`, typed arrays, `DataView`), as socket.io-parser's `isBinary`. */
const isBinary = (value: unknown): value is ArrayBuffer | ArrayBufferView => value instanceof ArrayBuffer || ArrayBuffer.isView(value);

/**
 * Encode a packet as a text frame followed by one binary frame per
 * attachment: EVENT/ACK data holding binary values becomes BINARY_EVENT/
 * BINARY_ACK with `{"_placeholder":true,"num":i}` in place of each value,
 * numbered in the order JSON writes them (socket.io-parser's
 * `deconstructPacket` order). `mid` cannot travel in this format and is
 * dropped. Throws `INVALID_NAMESPACE` for a namespace with "," (the format
 * cannot delimit it) and JSON.stringify's TypeError for cyclic data: both
 * programmer errors. The packet is never mutated.
 *
 * @example
 * ```ts
 * writeTextPacket({ type: 3, nsp: "/", id: 0, data: ["ok", new Uint8Array([1, 2])] });
 * // ['61-0["ok",{"_placeholder":true,"num":0}]', Uint8Array [1, 2]]
 * ```
 */
export function writeTextPacket({ type, nsp, data, id }: Packet): Frame[] {
  if (nsp !== "/" && nsp.includes(",")) throw failure("INVALID_NAMESPACE");
  const attachments: Uint8Array[] = [];
  // JSON.stringify runs toJSON before the replacer (a Buffer has one): `this[key]` is the value before it, and the
  // value after it is checked too (an object whose toJSON returns bytes is binary, as in socket.io-parser).
  const json = JSON.stringify(data, function (this: Record<string, unknown>, key: string, value: unknown) {
    const bytes = isBinary(this[key]) ? this[key] : value;
    if (!isBinary(bytes) || (type !== PACKET_EVENT && type !== PACKET_ACK)) return value;
    const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { _placeholder: true, num: attachments.push(view) - 1 };
  }) as string | undefined;
  const count = attachments.length;
  // BINARY_EVENT (5) and BINARY_ACK (6) are EVENT (2) and ACK (3) plus 3. JSON.stringify gives undefined for data
  // it drops (a lone function): no payload then.
  const text = `${count ? `${type + 3}${count}-` : type}${nsp === "/" ? "" : `${nsp},`}${id ?? ""}${json ?? ""}`;
  return [text, ...attachments];
}

/**
 * The Socket.IO default text codec for clients (see the file comment). Pass
 * it as `connect(url, { codec: textCodec })` to `@cometa/client`, which does
 * not bundle it; `@cometa/client/json` uses it by default.
 *
 * @example
 * ```ts
 * import { connect } from "@cometa/client";
 * import { textCodec } from "@cometa/client/json";
 * const socket = connect("https://example.com", { codec: textCodec });
 * ```
 */
export const textCodec: Codec = { name: "text", encode: writeTextPacket, createDecoder: createTextDecoder };
