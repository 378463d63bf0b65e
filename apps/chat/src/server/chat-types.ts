import type { Namespace, Server, Socket } from "@cometa/server";
import type { ChatSocketData, ClientToServer, InterServer, ServerToClient } from "../shared/events.js";

/** The chat's server, typed with the events shared with the page. */
export type ChatServer = Server<ClientToServer, ServerToClient, InterServer, ChatSocketData>;
/** The `/chat` namespace. */
export type ChatNamespace = Namespace<ClientToServer, ServerToClient, InterServer, ChatSocketData>;
/** One visitor's socket in `/chat`. */
export type ChatSocket = Socket<ClientToServer, ServerToClient, InterServer, ChatSocketData>;
