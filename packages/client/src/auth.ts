import type { AuthData, AuthOption } from "./socket-types.js";

/**
 * Produce the CONNECT payload from the `auth` option: an object is used as
 * is; a function is called and may answer through its callback
 * (socket.io-client style) or by returning the data or a promise of it.
 * Exactly one of `done`/`fail` is called, at most once, even if the function
 * calls back twice or both calls back and returns.
 *
 * @example
 * ```ts
 * resolveAuth(async () => ({ token: await refresh() }), send, report);
 * ```
 */
export function resolveAuth(
  auth: AuthOption | undefined,
  done: (data: AuthData | undefined) => void,
  fail: (cause: unknown) => void,
): void {
  if (typeof auth !== "function") {
    done(auth);
    return;
  }
  let settled = false;
  const once =
    <T>(callback: (value: T) => void) =>
    (value: T) => {
      if (!settled) callback(value);
      settled = true;
    };
  const onData = once(done);
  const onError = once(fail);
  try {
    const result = (auth as (cb: (data: AuthData) => void) => AuthData | Promise<AuthData> | undefined)(onData);
    if (result !== undefined) Promise.resolve(result).then(onData, onError);
  } catch (cause) {
    onError(cause);
  }
}
