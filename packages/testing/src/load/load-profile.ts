/**
 * Sizes of the load rows: the short CI form by default, the long form under
 * `LOAD_PROFILE=soak` (`pnpm --filter @cometa/testing soak`). Any knob can be
 * set on its own: `LOAD_L1_CONNS=5000 pnpm soak`.
 */

/** Whether the long (soak) forms run. */
export const isSoak = process.env.LOAD_PROFILE === "soak";

/** `LOAD_<name>` from the environment, else the soak or CI value. */
export function knob(name: string, ci: number, soak: number): number {
  const raw = process.env[`LOAD_${name}`];
  const value = raw === undefined || raw === "" ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : isSoak ? soak : ci;
}

/** Clients one fleet process carries (well under the ~19 k a process can hold). */
export const CLIENTS_PER_PROCESS = knob("CLIENTS_PER_PROCESS", 1000, 2500);

/** Fleet processes needed for `clients`, `perProcess` (default {@link CLIENTS_PER_PROCESS}) to a process. */
export function fleetsFor(clients: number, perProcess = CLIENTS_PER_PROCESS): number {
  return Math.max(1, Math.ceil(clients / perProcess));
}

/** Heartbeats of every server under load (RELIABILITY.md §4: about 1 s + 1 s). */
export const HEARTBEAT = { pingInterval: knob("PING_INTERVAL", 1000, 1000), pingTimeout: knob("PING_TIMEOUT", 1000, 1000) } as const;

/** Test timeout for a row that holds load for `seconds`: generous room for setup and teardown on a shared machine. */
export function rowTimeoutMs(seconds: number): number {
  return (seconds + 60) * 1000 * (isSoak ? 2 : 1);
}
