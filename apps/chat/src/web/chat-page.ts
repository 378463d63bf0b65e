import type { TransportName } from "@cometa/client";
import type { ChatFailure } from "../shared/events.js";
import { ChatClient, type ConnectionStatus } from "./chat-client.js";
import { ChatState } from "./chat-state.js";
import { ComposerView } from "./views/composer-view.js";
import type { ConnectionView } from "./views/connection-view.js";
import { byId } from "./views/element.js";
import { MembersView } from "./views/members-view.js";
import { RoomsView } from "./views/rooms-view.js";
import { TimelineView } from "./views/timeline-view.js";
import { TypingView } from "./views/typing-view.js";

/** Options of {@link ChatPage}. */
export interface ChatPageOptions {
  readonly name: string;
  /** Rooms to be in at start (saved from the last visit, or the defaults). */
  readonly rooms: readonly string[];
  /** The room to show first. */
  readonly active: string | undefined;
  readonly transports: TransportName[] | undefined;
  readonly connection: ConnectionView;
  /** The server refused us (our name): the page goes back to the name card. */
  readonly onRefused: (failure: ChatFailure) => void;
  /** The rooms or the room shown changed: remember them for the next visit. */
  readonly onRoomsChanged: (rooms: readonly string[], active: string | undefined) => void;
}

/**
 * The chat screen: the model, the connection and the views, wired together.
 * State changes redraw only the views they concern.
 */
export class ChatPage {
  readonly state: ChatState;
  readonly client: ChatClient;

  constructor(options: ChatPageOptions) {
    const state = new ChatState(options.name);
    this.state = state;
    for (const room of options.rooms) state.addRoom(room);
    state.show(options.active !== undefined && state.rooms.has(options.active) ? options.active : options.rooms[0]!);

    this.client = new ChatClient(state, {
      name: options.name,
      ...(options.transports ? { transports: options.transports } : {}),
      onStatus: (status) => this.#onStatus(status, options),
    });
    const client = this.client;
    const rooms = new RoomsView(state, {
      show: (room) => {
        state.show(room);
        composer.focus();
      },
      join: async (room) => {
        if (state.rooms.has(room)) {
          state.show(room);
          return undefined;
        }
        state.addRoom(room);
        state.show(room);
        const refused = await client.join(room);
        return refused?.message;
      },
      leave: (room) => client.leave(room),
    });
    const members = new MembersView(state);
    const timeline = new TimelineView(state, (room, id, text) => client.retry(room, id, text));
    const typing = new TypingView(state);
    const composer = new ComposerView(state, {
      send: (room, text) => client.send(room, text),
      typing: (room, on) => client.typing(room, on),
    });

    state.onChange((change, room) => {
      const shown = room === undefined || room === state.active?.name;
      if (change === "rooms") {
        rooms.render();
        composer.render();
        options.onRoomsChanged([...state.rooms.keys()], state.active?.name);
      } else if (change === "timeline" && shown) timeline.render();
      else if (change === "members" && shown) members.render();
      else if (change === "typing" && shown) typing.render();
    });
    for (const view of [rooms, members, timeline, typing, composer]) view.render();
    byId("chat").hidden = false;
    composer.focus();
  }

  #onStatus(status: ConnectionStatus, options: ChatPageOptions): void {
    options.connection.render(status);
    if (status.kind === "refused") {
      this.client.close();
      byId("chat").hidden = true;
      options.onRefused(status.failure);
    }
  }
}
