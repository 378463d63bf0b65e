import type { SendOptions } from "./engine/engine-connection.js";

/** The flags of an emit that matter to the engine. */
export interface SendFlags {
  readonly volatile?: boolean;
  readonly compress?: boolean;
}

// One shared object per combination: an emit never allocates its send options.
const TABLE: (SendOptions | undefined)[] = [];
for (const volatile of [undefined, false, true]) {
  for (const compress of [undefined, false, true]) {
    const options: { volatile?: boolean; compress?: boolean } = {};
    if (volatile !== undefined) options.volatile = volatile;
    if (compress !== undefined) options.compress = compress;
    TABLE.push(volatile === undefined && compress === undefined ? undefined : Object.freeze(options));
  }
}

function slot(value: boolean | undefined): number {
  return value === undefined ? 0 : value ? 2 : 1;
}

/** The engine send options for `flags`, shared and frozen (`undefined` when no flag is set). */
export function sendOptionsOf(flags: SendFlags): SendOptions | undefined {
  return TABLE[slot(flags.volatile) * 3 + slot(flags.compress)];
}
