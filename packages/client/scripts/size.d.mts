/** Types of scripts/size.mjs, for the bundle-size test. */
export interface SizeRow {
  readonly name: string;
  /** Minified bytes. */
  readonly minified: number;
  /** Minified + gzip level 9 bytes. */
  readonly gzip: number;
  /** Budget in bytes (min+gzip), for our entries. */
  readonly budget: number | undefined;
  /** Limit enforced on every run in bytes (min+gzip): the budget where it is met, else a regression ceiling. */
  readonly ceiling: number | undefined;
  /** The minified bundle. */
  readonly code: string;
}
export declare const BUDGETS: Readonly<Record<string, number>>;
export declare const CEILINGS: Readonly<Record<string, number>>;
export declare const REFERENCES: Readonly<Record<string, string>>;
export declare function measure(): Promise<SizeRow[]>;
export declare function formatTable(rows: readonly SizeRow[]): string;
