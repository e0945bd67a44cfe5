/** What toMatrix and readMatrix share: the null policy and exact number conversion. */

import { ConfigError, DataError } from "@tt/schema";

/**
 * What to do with a null cell (or a masked tensor element): `"error"` (the default) throws a
 * DataError naming the column and row, `"nan"` reads it as NaN.
 *
 * @example
 * ```ts
 * const nulls: NullPolicy = "nan";
 * toMatrix(result, ["score_1"], { nulls }); // a null score becomes NaN
 * ```
 */
export type NullPolicy = "error" | "nan";

/** The null policy of `options`, checked; anything else is a ConfigError on `nulls`. */
export function nullPolicy(options: { nulls?: NullPolicy } | undefined): NullPolicy {
  const nulls = options?.nulls ?? "error";
  if (nulls !== "error" && nulls !== "nan") {
    throw new ConfigError("nulls", `must be "error" or "nan", got ${JSON.stringify(nulls)}`);
  }
  return nulls;
}

/**
 * `value` as a number; a bigint beyond ±2^53 is a DataError at `where`, since a float64 would
 * silently round it.
 */
export function exactNumber(value: number | bigint, where: () => string): number {
  if (typeof value === "number") return value;
  const number = Number(value);
  if (!Number.isSafeInteger(number)) {
    throw new DataError(
      where(),
      `${value} does not fit a float64 exactly (beyond ±2^53); a Matrix would hold a rounded value`,
    );
  }
  return number;
}

/** ` (id x)` for messages, or nothing when there are no ids. */
export function idSuffix(ids: ArrayLike<unknown> | undefined, position: number): string {
  return ids === undefined ? "" : ` (id ${String(ids[position])})`;
}
