/**
 * A cluster answer that lacks some nodes' replies. Cluster requests never
 * fail because a node is dead or slow: they resolve with what arrived, and
 * the array says which nodes are missing through a non-enumerable `missing`
 * property (invisible to `JSON.stringify`, deep equality and iteration, so
 * the answer still looks like Socket.IO's).
 *
 * @example
 * ```ts
 * const replies = await io.serverSideEmitWithAck("stats");
 * const missing = missingNodes(replies);
 * if (missing.length > 0) log.warn("no answer from", missing);
 * ```
 */

const MISSING = "missing";

/** Mark `answers` as lacking the replies of `missing` (returns the same array). */
export function markPartial<T extends unknown[]>(answers: T, missing: readonly string[]): T {
  Object.defineProperty(answers, MISSING, { value: missing, enumerable: false, configurable: true });
  return answers;
}

/** Ids of the nodes whose replies `answers` lacks; empty for a complete answer. */
export function missingNodes(answers: readonly unknown[]): readonly string[] {
  const missing = (answers as { [MISSING]?: unknown })[MISSING];
  return Array.isArray(missing) ? missing : [];
}
