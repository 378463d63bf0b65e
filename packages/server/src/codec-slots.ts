import type { Codec } from "@cometa/protocol";
import { namespaceTopic, roomTopicIn } from "./topic.js";

/** A codec in use by some of a namespace's connected sockets. */
export class CodecSlot {
  /** Connected sockets using the codec. */
  count = 0;
  /** The last room topic built, kept: joins and broadcasts come in runs on the same room. */
  private lastRoom: string | undefined = undefined;
  private lastRoomTopic = "";

  constructor(
    readonly codec: Codec,
    /** The engine topic every socket of the namespace using this codec is subscribed to. */
    readonly topic: string,
  ) {}

  /**
   * The engine topic of `room` for this codec. The last one is reused: a burst
   * of joins to one room, or repeated broadcasts to it, build the string once
   * instead of once per call (a hot-path allocation).
   */
  roomTopic(room: string): string {
    if (room !== this.lastRoom) {
      this.lastRoom = room;
      this.lastRoomTopic = roomTopicIn(this.topic, room);
    }
    return this.lastRoomTopic;
  }
}

/**
 * The codecs a namespace's connected sockets use, each with its namespace
 * topic built once (a broadcast publishes once per slot; a connecting socket
 * subscribes to its slot's topic without building the name again).
 *
 * A namespace almost always has one codec, at most a few: a plain array
 * scanned by identity beats a `Map` here.
 */
export class CodecSlots {
  /** The slots in use, in first-use order. */
  readonly list: CodecSlot[] = [];

  constructor(
    private readonly topicPrefix: string,
    private readonly namespace: string,
  ) {}

  /** The slot of `codec`, if some connected socket uses it. */
  find(codec: Codec): CodecSlot | undefined {
    const list = this.list;
    for (let i = 0; i < list.length; i++) if (list[i]!.codec === codec) return list[i];
    return undefined;
  }

  /** The namespace topic of `codec` (built afresh only while no connected socket uses that codec). */
  topicFor(codec: Codec): string {
    return this.find(codec)?.topic ?? namespaceTopic(this.topicPrefix, codec.name, this.namespace);
  }

  /** The topic of `room` for sockets using `codec`. */
  roomTopicFor(codec: Codec, room: string): string {
    const slot = this.find(codec);
    return slot === undefined ? roomTopicIn(this.topicFor(codec), room) : slot.roomTopic(room);
  }

  /** Count one more socket using `codec`; returns its slot. */
  acquire(codec: Codec): CodecSlot {
    let slot = this.find(codec);
    if (slot === undefined) {
      slot = new CodecSlot(codec, this.topicFor(codec));
      this.list.push(slot);
    }
    slot.count++;
    return slot;
  }

  /** Count one socket less using `codec`; the slot goes when its last socket does. */
  release(codec: Codec): void {
    const slot = this.find(codec);
    if (slot === undefined || --slot.count > 0) return;
    this.list.splice(this.list.indexOf(slot), 1);
  }
}
