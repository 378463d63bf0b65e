import { execFileSync } from "node:child_process";

/** Which traffic a {@link NetNamespace} fault drops. */
export type Blackhole = "both" | "to-host";

/**
 * A network namespace linked to the host namespace by a veth pair
 * (RELIABILITY.md §7): the host side is `hostAddress`, the namespace side
 * `address`, both in a /30 of 10.231.0.0/16 chosen from `index`. Processes
 * started with `ip netns exec <name>` in it are reachable from the test
 * process at `address`. Faults are nftables rules inside the namespace, so
 * nothing on the host changes; `heal()` deletes the table, `destroy()` the
 * namespace (which removes the veth pair too).
 *
 * Needs root, iproute2 and nftables.
 *
 * @example
 * ```ts
 * const ns = NetNamespace.create("cf0", 0);
 * ns.blackhole("both");
 * ns.heal();
 * ns.destroy();
 * ```
 */
export class NetNamespace {
  private constructor(
    readonly name: string,
    readonly hostAddress: string,
    readonly address: string,
  ) {}

  /** Create namespace `name` (replacing a leftover one of that name). */
  static create(name: string, index: number): NetNamespace {
    const base = 4 * (index % 64);
    const hostAddress = `10.231.${Math.floor(index / 64)}.${base + 1}`;
    const address = `10.231.${Math.floor(index / 64)}.${base + 2}`;
    const hostLink = `${name}h`;
    const inner = `${name}n`;
    NetNamespace.remove(name);
    ip("netns", "add", name);
    ip("link", "add", hostLink, "type", "veth", "peer", "name", inner);
    ip("link", "set", inner, "netns", name);
    ip("addr", "add", `${hostAddress}/30`, "dev", hostLink);
    ip("link", "set", hostLink, "up");
    ip("-n", name, "addr", "add", `${address}/30`, "dev", inner);
    ip("-n", name, "link", "set", inner, "up");
    ip("-n", name, "link", "set", "lo", "up");
    return new NetNamespace(name, hostAddress, address);
  }

  /** Delete namespace `name` if it exists (cleanup of a crashed run). */
  static remove(name: string): void {
    try {
      ip("netns", "del", name);
    } catch {
      // not there
    }
    try {
      ip("link", "del", `${name}h`);
    } catch {
      // gone with the namespace
    }
  }

  /** Prefix for `spawn`: run a command inside the namespace. */
  get exec(): readonly string[] {
    return ["ip", "netns", "exec", this.name];
  }

  /**
   * Silently drop packets (no RST): `both` ways between the namespace and the
   * host, or only `to-host` (the server's packets to the client: a half-open
   * connection, as after a NAT timeout).
   */
  blackhole(which: Blackhole): void {
    const rules = [
      "add table inet cometa_chaos",
      "add chain inet cometa_chaos out { type filter hook output priority 0 ; }",
      `add rule inet cometa_chaos out ip daddr ${this.hostAddress} drop`,
    ];
    if (which === "both") {
      rules.push("add chain inet cometa_chaos in { type filter hook input priority 0 ; }");
      rules.push(`add rule inet cometa_chaos in ip saddr ${this.hostAddress} drop`);
    }
    execFileSync("ip", ["netns", "exec", this.name, "nft", "-f", "-"], { input: `${rules.join("\n")}\n`, stdio: ["pipe", "ignore", "pipe"] });
  }

  /** Remove every fault rule. */
  heal(): void {
    try {
      execFileSync("ip", ["netns", "exec", this.name, "nft", "delete", "table", "inet", "cometa_chaos"], { stdio: "ignore" });
    } catch {
      // no fault in place
    }
  }

  destroy(): void {
    NetNamespace.remove(this.name);
  }
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}
