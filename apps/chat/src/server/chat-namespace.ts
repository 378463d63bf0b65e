import { CHAT_NAMESPACE } from "../shared/events.js";
import { authenticate } from "./auth-middleware.js";
import { ChatSession } from "./chat-session.js";
import type { ChatNamespace, ChatServer } from "./chat-types.js";
import { MessageStore } from "./message-store.js";

/** Options of {@link mountChat}. */
export interface ChatOptions {
  /** Clock for message times and rate limits. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Set up the `/chat` namespace on a server: the auth middleware (a valid
 * display name), then one {@link ChatSession} per socket, sharing one
 * message store.
 *
 * @example
 * ```ts
 * const io = createServer<ClientToServer, ServerToClient, InterServer, ChatSocketData>();
 * mountChat(io);
 * await io.listen(3000);
 * ```
 */
export function mountChat(io: ChatServer, options: ChatOptions = {}): ChatNamespace {
  const now = options.now ?? Date.now;
  const store = new MessageStore(now);
  const chat = io.of(CHAT_NAMESPACE);
  chat.use(authenticate);
  chat.on("connection", (socket) => new ChatSession(socket, chat, store, now).start());
  return chat;
}
