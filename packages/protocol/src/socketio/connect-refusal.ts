/**
 * The one decoder refusal a server answers instead of closing the
 * connection: a CONNECT that is well formed as a packet but names a
 * namespace that can never exist, or carries an auth payload that is not an
 * object (RELIABILITY.md M12, M17).
 */
import { ProtocolError } from "../errors.js";

/**
 * What was wrong with a refused CONNECT: a `namespace` that is a string but
 * not a valid name (empty, no leading "/", over 256 code units, control
 * characters), or an `auth` payload that is not a plain object.
 */
export type ConnectRefusalReason = "namespace" | "auth";

/**
 * A CONNECT the decoder refused, with the namespace string it named. It is a
 * `ProtocolError` (code `INVALID_NAMESPACE` or `INVALID_PACKET`, as before),
 * so a consumer that closes on every decoder error still does; a server
 * answers it with CONNECT_ERROR on `nsp` and keeps the connection, as the
 * reference server does for a namespace it does not know. The decoder's
 * state is intact afterwards (a CONNECT has no attachments).
 *
 * Only CONNECT packets whose `nsp` is a string and whose other fields are
 * valid become a refusal; a non-string `nsp` stays a plain `ProtocolError`
 * (both reference parsers refuse it too).
 *
 * @example
 * ```ts
 * const result = decoder.add(frame);
 * if (result instanceof ConnectRefusal) sendConnectError(result.nsp, result.reason);
 * else if (result instanceof ProtocolError) close("parse error");
 * ```
 */
export class ConnectRefusal extends ProtocolError {
  /** The namespace string the CONNECT named, exactly as received (may be invalid as a name). */
  readonly nsp: string;
  /** Why the CONNECT was refused. */
  readonly reason: ConnectRefusalReason;

  constructor(nsp: string, reason: ConnectRefusalReason) {
    super(reason === "namespace" ? "INVALID_NAMESPACE" : "INVALID_PACKET", reason === "namespace" ? "invalid namespace" : "invalid packet data");
    this.nsp = nsp;
    this.reason = reason;
  }
}
