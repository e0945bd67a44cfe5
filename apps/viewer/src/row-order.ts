/**
 * Orders of table rows by a metadata or score column, for the instance table and the ERP image:
 * numbers by value, text by code points, nulls (and NaN) last in either direction, ties in row
 * order. Pure, so it runs in Node tests.
 */

import type { AnyColumn } from "tensortools/browser";

/** A sort: the column and whether it runs from the largest value down. */
export interface RowSort {
  readonly column: string;
  readonly descending: boolean;
}

/** The sort key of each row: a number, a string, or undefined for a null. */
function sortKeys(column: AnyColumn): (number | string | undefined)[] {
  const keys: (number | string | undefined)[] = new Array(column.values.length);
  for (let row = 0; row < keys.length; row++) {
    if (column.valid !== undefined && column.valid[row] === 0) continue;
    const value = column.values[row];
    if (typeof value === "string") keys[row] = value;
    else if (Array.isArray(value)) keys[row] = value.join(", ");
    else {
      const number = Number(value);
      keys[row] = Number.isNaN(number) ? undefined : number;
    }
  }
  return keys;
}

/**
 * `rows` ordered by `column`'s values: ascending, or descending when asked; nulls and NaN last
 * either way; equal values keep their order in `rows`.
 *
 * @example
 * ```ts
 * import { columnFromCells } from "tensortools/browser";
 * const rt = columnFromCells("float64", [0.4, null, 0.2]);
 * sortRows(Int32Array.of(0, 1, 2), rt, false); // Int32Array [2, 0, 1]
 * ```
 */
export function sortRows(rows: Int32Array, column: AnyColumn, descending: boolean): Int32Array {
  const keys = sortKeys(column);
  const sign = descending ? -1 : 1;
  const order = Array.from(rows);
  const position = new Map(order.map((row, at) => [row, at]));
  order.sort((a, b) => {
    const ka = keys[a];
    const kb = keys[b];
    if (ka === undefined || kb === undefined) {
      if (ka !== kb) return ka === undefined ? 1 : -1;
    } else if (ka !== kb) {
      // Mixed kinds cannot occur in one column; compare as the column's kind.
      return (ka < kb ? -1 : 1) * sign;
    }
    return position.get(a)! - position.get(b)!;
  });
  return Int32Array.from(order);
}

/** One page of a list of rows, and where it sits. */
export interface RowPage {
  /** The rows on the page. */
  readonly rows: Int32Array;
  /** The page shown, from 0, clamped to the pages there are. */
  readonly page: number;
  /** How many pages there are (at least 1). */
  readonly pages: number;
  /** The position of the page's first row in the list, from 0. */
  readonly first: number;
}

/**
 * Page `page` (from 0, clamped) of `rows` cut into pages of `size`.
 *
 * @example
 * ```ts
 * pageOfRows(Int32Array.of(5, 6, 7, 8, 9), 9, 2); // { rows: [9], page: 2, pages: 3, first: 4 }
 * ```
 */
export function pageOfRows(rows: Int32Array, page: number, size: number): RowPage {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const clamped = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  const first = clamped * size;
  return { rows: rows.subarray(first, first + size), page: clamped, pages, first };
}
