/**
 * Just enough msgpack reading for the bare uWS server: walk a packet map without building objects,
 * locate values by byte range, and read the few scalars the protocol needs (type, id, event, room).
 * Every read is bounds-checked and throws `RangeError` on malformed input; the server answers that by
 * closing the connection.
 */

/** A forward-only reader over one msgpack message. */
export class MsgpackCursor {
  pos = 0;

  constructor(public bytes: Uint8Array = new Uint8Array(0)) {}

  /** Points the cursor at the start of another message (lets one cursor serve every message). */
  reset(bytes: Uint8Array): this {
    this.bytes = bytes;
    this.pos = 0;
    return this;
  }

  private need(count: number): void {
    if (this.pos + count > this.bytes.length) throw new RangeError("truncated msgpack");
  }

  private uint(size: 1 | 2 | 4): number {
    this.need(size);
    const b = this.bytes;
    const p = this.pos;
    this.pos += size;
    if (size === 1) return b[p]!;
    if (size === 2) return (b[p]! << 8) | b[p + 1]!;
    return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  private tag(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  /** Reads a map header, returning the number of entries. */
  mapHeader(): number {
    const tag = this.tag();
    if ((tag & 0xf0) === 0x80) return tag & 0x0f;
    if (tag === 0xde) return this.uint(2);
    if (tag === 0xdf) return this.uint(4);
    throw new RangeError("expected a msgpack map");
  }

  /** Reads an array header, returning the number of elements. */
  arrayHeader(): number {
    const tag = this.tag();
    if ((tag & 0xf0) === 0x90) return tag & 0x0f;
    if (tag === 0xdc) return this.uint(2);
    if (tag === 0xdd) return this.uint(4);
    throw new RangeError("expected a msgpack array");
  }

  /** Reads a string header, returning its byte length; the bytes start at `pos`. */
  strHeader(): number {
    const tag = this.tag();
    if ((tag & 0xe0) === 0xa0) return tag & 0x1f;
    if (tag === 0xd9) return this.uint(1);
    if (tag === 0xda) return this.uint(2);
    if (tag === 0xdb) return this.uint(4);
    throw new RangeError("expected a msgpack string");
  }

  /** Reads a string (UTF-8). */
  str(): string {
    const length = this.strHeader();
    this.need(length);
    const text = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.pos, length).toString("utf8");
    this.pos += length;
    return text;
  }

  /** Reads a non-negative integer (fixint, uint8/16/32). */
  uintValue(): number {
    const tag = this.tag();
    if (tag < 0x80) return tag;
    if (tag === 0xcc) return this.uint(1);
    if (tag === 0xcd) return this.uint(2);
    if (tag === 0xce) return this.uint(4);
    throw new RangeError("expected a msgpack unsigned integer");
  }

  /**
   * Skips one complete value of any type. Iterative (a count of values still to skip) rather than
   * recursive, so hostile nesting cannot overflow the stack.
   */
  skip(): void {
    let pending = 1;
    while (pending > 0) pending += this.skipHeader() - 1;
  }

  /** Consumes one value's header (and a scalar's bytes); returns how many nested values follow. */
  private skipHeader(): number {
    const tag = this.tag();
    if (tag < 0x80 || tag >= 0xe0 || tag === 0xc0 || tag === 0xc2 || tag === 0xc3) return 0;
    if ((tag & 0xe0) === 0xa0) {
      this.advance(tag & 0x1f);
      return 0;
    }
    if ((tag & 0xf0) === 0x90) return tag & 0x0f;
    if ((tag & 0xf0) === 0x80) return (tag & 0x0f) * 2;
    switch (tag) {
      case 0xdc:
        return this.uint(2);
      case 0xdd:
        return this.uint(4);
      case 0xde:
        return this.uint(2) * 2;
      case 0xdf:
        return this.uint(4) * 2;
      default:
        this.advance(this.scalarLength(tag));
        return 0;
    }
  }

  /** Bytes after the tag of a scalar, bin, str or ext value. */
  private scalarLength(tag: number): number {
    switch (tag) {
      case 0xc4:
      case 0xd9:
        return this.uint(1);
      case 0xc5:
      case 0xda:
        return this.uint(2);
      case 0xc6:
      case 0xdb:
        return this.uint(4);
      case 0xc7:
        return this.uint(1) + 1;
      case 0xc8:
        return this.uint(2) + 1;
      case 0xc9:
        return this.uint(4) + 1;
      case 0xcc:
      case 0xd0:
        return 1;
      case 0xcd:
      case 0xd1:
      case 0xd4:
        return 2;
      case 0xd5:
        return 3;
      case 0xca:
      case 0xce:
      case 0xd2:
        return 4;
      case 0xd6:
        return 5;
      case 0xcb:
      case 0xcf:
      case 0xd3:
        return 8;
      case 0xd7:
        return 9;
      case 0xd8:
        return 17;
      default:
        throw new RangeError(`invalid msgpack tag 0x${tag.toString(16)}`);
    }
  }

  private advance(count: number): void {
    this.need(count);
    this.pos += count;
  }
}
