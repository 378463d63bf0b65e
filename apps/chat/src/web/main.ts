/**
 * The chat page: pick a name, then chat. Built by esbuild (`build.mjs`) into
 * `dist/public/` with `@cometa/client` bundled in.
 *
 * `?transport=polling` (or `websocket`) forces one transport, to see the
 * long-polling fallback at work without a proxy that blocks WebSockets.
 */
import "./styles.css";
import type { TransportName } from "@cometa/client";
import { DEFAULT_ROOMS } from "../shared/events.js";
import { checkName, checkRoom } from "../shared/validation.js";
import { ChatPage } from "./chat-page.js";
import { ConnectionView } from "./views/connection-view.js";
import { byId } from "./views/element.js";
import { LoginView } from "./views/login-view.js";

const KEYS = { name: "cometa-chat:name", rooms: "cometa-chat:rooms", active: "cometa-chat:active" } as const;

const connection = new ConnectionView();
const transports = forcedTransports();
let started = false;

const login = new LoginView((name) => {
  save(KEYS.name, name);
  // After a refusal the old connection is gone: start afresh with the new name.
  if (started) location.reload();
  else start(name);
});

byId("change-name").addEventListener("click", () => {
  localStorage.removeItem(KEYS.name);
  location.reload();
});

const saved = checkName(read(KEYS.name));
if (saved.ok) start(saved.value);
else login.show("");

function start(name: string): void {
  started = true;
  const me = byId("me");
  me.textContent = name;
  me.hidden = false;
  byId("change-name").hidden = false;
  byId("transport").hidden = false;
  new ChatPage({
    name,
    rooms: savedRooms(),
    active: read(KEYS.active) ?? undefined,
    transports,
    connection,
    onRefused: (failure) => {
      localStorage.removeItem(KEYS.name);
      login.show(name, failure.message);
    },
    onRoomsChanged: (rooms, active) => {
      save(KEYS.rooms, JSON.stringify(rooms));
      if (active !== undefined) save(KEYS.active, active);
    },
  });
}

function savedRooms(): string[] {
  try {
    const rooms = JSON.parse(read(KEYS.rooms) ?? "[]") as unknown;
    if (Array.isArray(rooms)) {
      const valid = rooms.map((room) => checkRoom(room)).flatMap((room) => (room.ok ? [room.value] : []));
      if (valid.length > 0) return valid;
    }
  } catch {
    // A damaged entry: start over with the default rooms.
  }
  return [...DEFAULT_ROOMS];
}

function forcedTransports(): TransportName[] | undefined {
  const forced = new URLSearchParams(location.search).get("transport");
  return forced === "polling" || forced === "websocket" ? [forced] : undefined;
}

// Storage can be unavailable (private modes, blocked cookies): the chat still works, it just forgets.
function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function save(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // See read().
  }
}
