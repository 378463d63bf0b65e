import { execFileSync } from "node:child_process";

/** Whether `command` is on the PATH. */
export function hasCommand(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The system tools a fault needs, or an Error naming what is missing and how
 * to install it (`scripts/system-deps.sh`). Tests call it in `beforeAll` and
 * fail (never skip) when it throws.
 */
export function requireTools(...commands: string[]): void {
  const missing = commands.filter((c) => !hasCommand(c));
  if (missing.length > 0) {
    throw new Error(`fault suite needs ${missing.join(", ")}: run scripts/system-deps.sh (apt-get install redis-server nginx-light nftables iproute2)`);
  }
}
