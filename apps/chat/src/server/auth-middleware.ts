import type { Middleware } from "@cometa/server";
import { CometaError } from "@cometa/protocol";
import type { ChatErrorCode, ChatFailure } from "../shared/events.js";
import { checkName } from "../shared/validation.js";
import type { ChatSocket } from "./chat-types.js";

/**
 * A refused CONNECT. Socket.IO sends `message` and `data` of the error passed
 * to `next()` to the client as CONNECT_ERROR, so the page receives
 * `{ ok: false, code, message }` as `err.data` and can show the sentence.
 */
export class ChatRefusedError extends CometaError<ChatErrorCode> {
  readonly data: ChatFailure;

  constructor(failure: ChatFailure) {
    super(failure.code, failure.message);
    this.data = failure;
  }
}

/**
 * Connection middleware of `/chat`: the display name in `auth.name` must pass
 * `checkName`; the cleaned name goes to `socket.data.name`, where every
 * handler (and `fetchSockets()` on any instance) finds it.
 *
 * @example
 * ```ts
 * io.of("/chat").use(authenticate);
 * // client: connect("/chat", { auth: { name: "Ada" } })
 * ```
 */
export const authenticate: Middleware<ChatSocket> = (socket, next) => {
  const name = checkName(socket.handshake.auth.name);
  if (!name.ok) {
    next(new ChatRefusedError(name));
    return;
  }
  socket.data = { name: name.value };
  next();
};
