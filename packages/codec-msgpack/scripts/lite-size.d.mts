/** Budget of the lite codec's own code, min+gzip, in bytes. */
export declare const LITE_BUDGET: number;
/** Minified and gzip-9 sizes of the lite entry, without (`own`) and with `@cometa/protocol`. */
export declare function measureLite(): Promise<Record<"own" | "with protocol", { minified: number; gzip: number }>>;
