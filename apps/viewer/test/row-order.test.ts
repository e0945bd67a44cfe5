/** Row orders for the instance table and the ERP image: sorting by a column, nulls last, and pages. */

import { columnFromCells } from "tensortools/browser";
import { describe, expect, it } from "vitest";
import { pageOfRows, sortRows } from "../src/row-order.js";

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe("sortRows", () => {
  it("orders numbers by value, nulls and NaN last in both directions, ties in row order", () => {
    const column = columnFromCells("float64", [3, null, -1, Number.NaN, 3, 10, -1]);
    expect(Array.from(sortRows(all(7), column, false))).toEqual([2, 6, 0, 4, 5, 1, 3]);
    expect(Array.from(sortRows(all(7), column, true))).toEqual([5, 0, 4, 2, 6, 1, 3]);
  });

  it("orders text by code points and 64-bit integers exactly as numbers", () => {
    const text = columnFromCells("string", ["b", "B", null, "a", "ab"]);
    expect(Array.from(sortRows(all(5), text, false))).toEqual([1, 3, 4, 0, 2]);
    const big = columnFromCells("int64", [10n, 9n, -2n]);
    expect(Array.from(sortRows(all(3), big, false))).toEqual([2, 1, 0]);
    const flags = columnFromCells("boolean", [true, false, null, true]);
    expect(Array.from(sortRows(all(4), flags, true))).toEqual([0, 3, 1, 2]);
  });

  it("sorts only the rows given, keeping their relative order on ties", () => {
    const column = columnFromCells("int32", [5, 5, 1, 5, 0]);
    expect(Array.from(sortRows(Int32Array.of(3, 1, 2), column, false))).toEqual([2, 3, 1]);
  });
});

describe("pageOfRows", () => {
  it("cuts pages of a size and clamps the page asked for", () => {
    const rows = Int32Array.of(5, 6, 7, 8, 9);
    const last = pageOfRows(rows, 9, 2);
    expect([Array.from(last.rows), last.page, last.pages, last.first]).toEqual([[9], 2, 3, 4]);
    expect(Array.from(pageOfRows(rows, -3, 2).rows)).toEqual([5, 6]);
    const empty = pageOfRows(new Int32Array(0), 0, 100);
    expect([empty.rows.length, empty.page, empty.pages]).toEqual([0, 0, 1]);
  });
});
