import { type EventsMap, isValidNamespace } from "@cometa/protocol";
import { ServerError } from "./errors.js";
import { Namespace } from "./namespace.js";
import { type NamespaceMatcher, ParentNamespace } from "./parent-namespace.js";
import { isThenable } from "./rejection.js";
import type { Server } from "./server.js";

/**
 * The namespaces of one server: static ones by name, and the parents of
 * dynamic ones, which create a child the first time a CONNECT for a matching
 * name arrives.
 */
export class NamespaceRegistry<L extends EventsMap, E extends EventsMap, S extends EventsMap, D> {
  private readonly nsps = new Map<string, Namespace<L, E, S, D>>();
  /** Parents in creation order: the first that accepts a name gets the child. */
  private readonly parents = new Map<NamespaceMatcher, ParentNamespace<L, E, S, D>>();
  /** Regex parents, so `of("/ws-1")` can create a child without a CONNECT. */
  private readonly regexParents = new Map<RegExp, ParentNamespace<L, E, S, D>>();

  constructor(
    private readonly server: Server<L, E, S, D>,
    private readonly onCreated: (nsp: Namespace<L, E, S, D>) => void,
  ) {}

  /**
   * The namespace `name` ("admin" is read as "/admin"), created if needed.
   *
   * @throws ServerError `INVALID_NAMESPACE_NAME` for control characters or more than 256 characters.
   */
  get(name: string): Namespace<L, E, S, D> {
    const normalized = name.startsWith("/") ? name : `/${name}`;
    if (!isValidNamespace(normalized)) {
      throw new ServerError("INVALID_NAMESPACE_NAME", `invalid namespace name: ${JSON.stringify(name)}`);
    }
    const existing = this.nsps.get(normalized);
    if (existing !== undefined) return existing;
    const parent = [...this.regexParents].find(([regex]) => testRegex(regex, normalized))?.[1];
    return this.register(
      parent !== undefined ? parent._createChild(normalized) : new Namespace(this.server, normalized, this.server.options.adapter),
    );
  }

  /** The namespace registered under exactly `name` (static, or a dynamic child already created). */
  lookup(name: string): Namespace<L, E, S, D> | undefined {
    return this.nsps.get(name);
  }

  /** A new parent of dynamic namespaces matching `matcher`. */
  addParent(matcher: RegExp | NamespaceMatcher): ParentNamespace<L, E, S, D> {
    const parent = new ParentNamespace<L, E, S, D>(this.server);
    if (typeof matcher === "function") {
      this.parents.set(matcher, parent);
    } else {
      this.parents.set((name, _auth, next) => next(null, testRegex(matcher, name)), parent);
      this.regexParents.set(matcher, parent);
    }
    return parent;
  }

  /**
   * The namespace for a CONNECT to `name`: a registered one, or a new child of
   * the first parent that accepts it; undefined when none does.
   */
  resolve(name: string, auth: Record<string, unknown>, done: (nsp: Namespace<L, E, S, D> | undefined) => void): void {
    const existing = this.nsps.get(name);
    if (existing !== undefined || !isValidNamespace(name) || this.parents.size === 0) {
      done(existing);
      return;
    }
    const candidates = [...this.parents];
    let index = 0;
    const tryNext = (): void => {
      const entry = candidates[index++];
      if (entry === undefined) {
        done(undefined);
        return;
      }
      const [matcher, parent] = entry;
      let answered = false;
      const answer = (err: Error | null, allow: boolean): void => {
        if (answered) return;
        answered = true;
        if (err || !allow) tryNext();
        else done(this.nsps.get(name) ?? this.register(parent._createChild(name)));
      };
      let result: unknown;
      try {
        result = matcher(name, auth, answer);
      } catch (error) {
        this.server.reportError(error);
        answer(null, false);
        return;
      }
      // An async matcher that rejects is a bug like a throw: report it, and refuse the name unless it answered.
      if (isThenable(result)) {
        result.then(undefined, (error: unknown) => {
          this.server.reportError(error);
          answer(null, false);
        });
      }
    };
    tryNext();
  }

  /** Forget a dynamic child that has no socket left. Returns whether it was one. */
  removeChild(nsp: Namespace<L, E, S, D>): boolean {
    for (const parent of this.parents.values()) {
      if (!parent.children.delete(nsp)) continue;
      this.nsps.delete(nsp.name);
      return true;
    }
    return false;
  }

  /** Every namespace and parent (for shutdown). */
  all(): Namespace<L, E, S, D>[] {
    return [...this.nsps.values(), ...this.parents.values()];
  }

  private register(nsp: Namespace<L, E, S, D>): Namespace<L, E, S, D> {
    this.nsps.set(nsp.name, nsp);
    this.onCreated(nsp);
    return nsp;
  }
}

function testRegex(regex: RegExp, name: string): boolean {
  regex.lastIndex = 0; // a global or sticky regex keeps state between calls
  return regex.test(name);
}
