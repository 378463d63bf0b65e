/** Budget of each lite codec's own code, min+gzip, in bytes. */
export declare const LITE_BUDGET: number;
/** The exports of `@cometa/codec-msgpack/lite` that are measured, one bundle each. */
export declare const LITE_EXPORTS: readonly string[];
/** Minified and gzip-9 sizes of each lite codec, without (`own`) and with `@cometa/protocol`. */
export declare function measureLite(): Promise<
  Record<string, Record<"own" | "with protocol", { minified: number; gzip: number }>>
>;
