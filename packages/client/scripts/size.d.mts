/** Types of scripts/size.mjs, for the bundle-size test. */
export interface SizeRow {
  readonly name: string;
  /** Minified bytes. */
  readonly minified: number;
  /** Minified + gzip level 9 bytes. */
  readonly gzip: number;
  /** Budget in bytes (min+gzip), for our entries. */
  readonly budget: number | undefined;
}
export declare const BUDGETS: Readonly<Record<string, number>>;
export declare const REFERENCES: Readonly<Record<string, string>>;
export declare function measure(): Promise<SizeRow[]>;
