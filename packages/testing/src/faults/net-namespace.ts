import { execFileSync } from "node:child_process";

/** A degraded link ({@link NetNamespace.degrade}). */
export interface LinkFault {
  /** Packets dropped at random, each direction, %. */
  readonly lossPercent: number;
  /** Token-bucket rate each direction, kbit/s; none: no shaping. */
  readonly rateKbit?: number;
  /** tbf bucket size. Default `16kb`. */
  readonly burst?: string;
  /** tbf queue limit as latency, ms. Default 400. */
  readonly latencyMs?: number;
}

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
 * Needs root, iproute2 (`ip`, `tc`) and nftables.
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

  /**
   * A bad link (F12), both directions: `lossPercent` of the packets dropped
   * at random (nftables `numgen random`, inside the namespace) and, with
   * `rateKbit`, a token-bucket shaper on both ends of the veth
   * (`tc qdisc … tbf rate <rateKbit>kbit burst <burst> latency <latencyMs>ms`).
   * This kernel has no netem: fixed latency and jitter come from a userspace
   * proxy (`DelayProxy`).
   */
  degrade(link: LinkFault): void {
    if (link.lossPercent > 0) {
      const loss = `numgen random mod 100 < ${Math.round(link.lossPercent)} counter drop`;
      const rules = [
        "add table inet cometa_chaos",
        "add chain inet cometa_chaos out { type filter hook output priority 0 ; }",
        `add rule inet cometa_chaos out ip daddr ${this.hostAddress} ${loss}`,
        "add chain inet cometa_chaos in { type filter hook input priority 0 ; }",
        `add rule inet cometa_chaos in ip saddr ${this.hostAddress} ${loss}`,
      ];
      execFileSync("ip", ["netns", "exec", this.name, "nft", "-f", "-"], { input: `${rules.join("\n")}\n`, stdio: ["pipe", "ignore", "pipe"] });
    }
    if (link.rateKbit !== undefined) {
      const tbf = ["root", "tbf", "rate", `${link.rateKbit}kbit`, "burst", link.burst ?? "16kb", "latency", `${link.latencyMs ?? 400}ms`];
      execFileSync("tc", ["-n", this.name, "qdisc", "replace", "dev", `${this.name}n`, ...tbf], { stdio: ["ignore", "ignore", "pipe"] });
      execFileSync("tc", ["qdisc", "replace", "dev", `${this.name}h`, ...tbf], { stdio: ["ignore", "ignore", "pipe"] });
    }
  }

  /** Packets the fault rules dropped so far (rules with a `counter`; 0 when none is in place). */
  droppedPackets(): number {
    try {
      const table = execFileSync("ip", ["netns", "exec", this.name, "nft", "list", "table", "inet", "cometa_chaos"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      return [...table.matchAll(/counter packets (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    } catch {
      return 0;
    }
  }

  /** Remove every fault rule and shaper. */
  heal(): void {
    try {
      execFileSync("ip", ["netns", "exec", this.name, "nft", "delete", "table", "inet", "cometa_chaos"], { stdio: "ignore" });
    } catch {
      // no fault in place
    }
    for (const args of [["-n", this.name, "qdisc", "del", "dev", `${this.name}n`, "root"], ["qdisc", "del", "dev", `${this.name}h`, "root"]]) {
      try {
        execFileSync("tc", args, { stdio: "ignore" });
      } catch {
        // no shaper in place
      }
    }
  }

  destroy(): void {
    NetNamespace.remove(this.name);
  }
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}
