import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { allInstalled, compareVersions, type Installed, productionClosure } from "./lockfile-closure.js";

/**
 * RELIABILITY.md §4(d) S15: no dependency with a known high-severity
 * advisory in what users install. Two halves:
 *
 * - online, `pnpm audit --prod --audit-level high` against the registry's
 *   audit endpoint. It is skipped only when that endpoint cannot be reached
 *   or answers with a non-audit error (on this build machine the registry
 *   mirror answers 405 to both audit endpoints), and says so;
 * - offline, always: the lockfile's production closure of the published
 *   packages and the apps, against the advisories of the libraries in our
 *   stack (ws, socket.io-parser, engine.io, msgpackr).
 *
 * Both currently find the same thing: `@trufflesuite/uws-js-unofficial`
 * (our uWebSockets.js build, a production dependency of @cometa/server)
 * depends on ws 8.13.0, which has GHSA-3h5v-q93c-6h6q (CVE-2024-37890, high,
 * DoS by many headers, fixed in 8.17.1). That ws is only loaded by the
 * package's pure-JS fallback, which the server refuses to run unless told
 * to, but it is installed. The fix belongs in the root package.json (a
 * `pnpm.overrides` entry `"@trufflesuite/uws-js-unofficial>ws": "8.23.0"`)
 * and, for users, in the install docs.
 */

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const LOCKFILE = `${ROOT}pnpm-lock.yaml`;
const SHIPPED = ["packages/protocol", "packages/codec-msgpack", "packages/server", "packages/client", "packages/redis", "apps/chat", "apps/bench"];

/** Advisories of the libraries in our stack: affected when `version < fixed` (within `line`, a major version). */
const ADVISORIES: readonly { name: string; line: string; fixed: string; id: string }[] = [
  { name: "ws", line: "8", fixed: "8.17.1", id: "GHSA-3h5v-q93c-6h6q (CVE-2024-37890), high" },
  { name: "ws", line: "7", fixed: "7.5.10", id: "GHSA-3h5v-q93c-6h6q (CVE-2024-37890), high" },
  { name: "socket.io-parser", line: "4", fixed: "4.2.3", id: "GHSA-cqmj-92xf-r6r9 (CVE-2023-32695), high" },
  { name: "engine.io", line: "6", fixed: "6.6.9", id: "RELIABILITY.md S15 pin (CVE-2022-41940, CVE-2023-31125 below)" },
  { name: "msgpackr", line: "1", fixed: "1.10.1", id: "GHSA-7hpj-7hhx-2fgx (CVE-2023-52079)" },
];

function affected(pkg: { name: string; version: string }): string | null {
  for (const advisory of ADVISORIES) {
    if (advisory.name !== pkg.name || pkg.version.split(".")[0] !== advisory.line) continue;
    if (compareVersions(pkg.version, advisory.fixed) < 0) return advisory.id;
  }
  return null;
}

interface AuditRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runAudit(): Promise<AuditRun> {
  return new Promise((resolve) => {
    execFile(
      "npx",
      ["-y", "pnpm@10.34.8", "audit", "--prod", "--audit-level", "high", "--json"],
      { cwd: ROOT, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
    );
  });
}

/** Why the audit could not be asked at all, or null when it answered. */
function unreachable(run: AuditRun): string | null {
  const text = `${run.stdout}\n${run.stderr}`;
  const endpoint = /ERR_PNPM_AUDIT_BAD_RESPONSE|ERR_PNPM_AUDIT_ENDPOINT|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|responded with (405|404|5\d\d)/.exec(text);
  return endpoint === null ? null : `the registry's audit endpoint is unreachable here (${endpoint[0]}): ${text.trim().slice(0, 300)}`;
}

describe("S15: dependency advisories", () => {
  it(`pnpm audit --prod: no high or critical advisory`, async (ctx) => {
    const run = await runAudit();
    const reason = unreachable(run);
    if (reason !== null) {
      console.warn(`[security] S15 online audit skipped: ${reason}`);
      ctx.skip(reason);
      return;
    }
    const report = JSON.parse(run.stdout) as { metadata?: { vulnerabilities?: Record<string, number> } };
    const counts = report.metadata?.vulnerabilities;
    expect(counts, run.stdout.slice(0, 500)).toBeDefined();
    expect({ high: counts!.high ?? 0, critical: counts!.critical ?? 0 }).toEqual({ high: 0, critical: 0 });
  }, 150_000);

  it(`offline: the production closure of the shipped packages has no known-vulnerable version`, () => {
    const closure = productionClosure(LOCKFILE, SHIPPED);
    const findings = closure.filter((pkg) => affected(pkg) !== null).map((pkg) => `${pkg.via}: ${affected(pkg)}`);
    expect(findings).toEqual([]);
  });

  it("offline: no known-vulnerable version anywhere in the lockfile, tests included (the uWS fallback's ws is overridden to 8.23.0)", () => {
    const closure = productionClosure(LOCKFILE, SHIPPED);
    const vulnerable = allInstalled(LOCKFILE).filter((pkg) => affected(pkg) !== null);
    const paths = vulnerable.map((pkg) => closure.find((c) => c.name === pkg.name && c.version === pkg.version)?.via ?? `${pkg.name}@${pkg.version} (dev)`);
    expect(paths).toEqual([]);
    // The reference stack the tests run against is patched (RELIABILITY S15 pins).
    for (const name of ["engine.io", "socket.io-parser"]) {
      const versions = allInstalled(LOCKFILE).filter((pkg) => pkg.name === name);
      expect(versions.length, name).toBeGreaterThan(0);
    }
  });

  it("the lockfile reader sees runtime dependencies and leaves dev ones out (so the checks above can fail)", () => {
    const names = (closure: Installed[]) => new Set(closure.map((pkg) => pkg.name));
    const server = names(productionClosure(LOCKFILE, ["packages/server"]));
    expect(server.has("@trufflesuite/uws-js-unofficial")).toBe(true);
    expect(server.has("socket.io-client")).toBe(false);
    expect(server.has("ws")).toBe(true); // the fallback's, not the dev one
    // Workspace links are followed: @cometa/redis brings in the server's uWS build.
    const redis = names(productionClosure(LOCKFILE, ["packages/redis"]));
    expect(redis.has("ioredis")).toBe(true);
    expect(redis.has("@trufflesuite/uws-js-unofficial")).toBe(true);
    expect(names(productionClosure(LOCKFILE, ["packages/protocol"])).size).toBe(0);
    expect(affected({ name: "ws", version: "8.17.0" })).not.toBeNull();
    expect(affected({ name: "ws", version: "8.17.1" })).toBeNull();
    expect(affected({ name: "ws", version: "9.0.0" })).toBeNull();
  });
});
