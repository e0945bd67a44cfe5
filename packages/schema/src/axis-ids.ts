/** The ids of an axis: as a metadata column, checked, and looked up by id in O(1). */

import { type AnyColumn, columnFromCells, columnFromValues, isNullAt } from "./column.js";
import { DataError } from "./errors.js";
import type { AxisIndex } from "./tensor.js";

/** The position of every id of one axis, by id. */
export type IdIndex = ReadonlyMap<string | number | bigint, number>;

/**
 * An id array as a metadata column: strings stay strings, integers become int32 (int64 beyond
 * 32 bits), any other numbers float64 (coordinates such as sample times). Mixed kinds are a
 * DataError naming `where`.
 *
 * @example
 * ```ts
 * columnFromIndex(["e1", "e2"], "axis 'instance' ids").type;      // "string"
 * columnFromIndex(Float64Array.of(-0.1, 0, 0.1), "axis 'time'").type; // "float64"
 * ```
 */
export function columnFromIndex(index: AxisIndex, where: string): AnyColumn {
  if (index instanceof BigInt64Array) return columnFromValues("int64", index);
  if (index instanceof Int32Array) return columnFromValues("int32", index);
  const values = Array.from(index as ArrayLike<string | number | bigint>);
  if (values.every((v) => typeof v === "string")) return columnFromCells("string", values);
  if (values.every((v) => typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 2 ** 31))
    return columnFromCells("int32", values);
  if (
    values.every((v) => typeof v === "bigint" || (typeof v === "number" && Number.isSafeInteger(v)))
  )
    return columnFromCells("int64", values);
  if (index instanceof Float64Array) return columnFromValues("float64", index);
  if (values.every((v) => typeof v === "number"))
    return columnFromCells("float64", values as number[]);
  throw new DataError(
    where,
    "ids must be all strings, all integers or (after the first axis) all numbers",
  );
}

/**
 * The id index of `column`. Ids are strings or integers; with `coordinates` (the axes after the
 * first: sample times, offsets) finite float64 values too. A null or repeated id, or a column of
 * another type, is a DataError naming `where` and the row.
 *
 * @example
 * ```ts
 * const index = buildIdIndex(columnFromCells("string", ["a", "b"]), "column 'id'");
 * index.get("b"); // 1
 * ```
 */
export function buildIdIndex(column: AnyColumn, where: string, coordinates = false): IdIndex {
  const float = coordinates && column.type === "float64";
  if (column.type !== "string" && column.type !== "int32" && column.type !== "int64" && !float) {
    throw new DataError(
      where,
      `is ${column.type}; an id column must be string, int32 or int64${coordinates ? ", or float64 for the coordinates of an axis after the first" : ""}`,
    );
  }
  const index = new Map<string | number | bigint, number>();
  const values = column.values as ArrayLike<string | number | bigint>;
  for (let row = 0; row < values.length; row++) {
    if (isNullAt(column, row))
      throw new DataError(`${where} row ${row}`, "is null; every id must be present");
    const id = values[row]!;
    if (float && !Number.isFinite(id as number))
      throw new DataError(`${where} row ${row}`, `is ${id}; coordinates must be finite`);
    const first = index.get(id);
    if (first !== undefined) {
      throw new DataError(
        `${where} row ${row}`,
        `repeats id ${JSON.stringify(String(id))} of row ${first}; ids must be unique`,
      );
    }
    index.set(id, row);
  }
  return index;
}

/**
 * The position of `id` in `index`, or `undefined`; a number finds an int64 id and a bigint an
 * int32 one, as long as the value is the same.
 *
 * @example
 * ```ts
 * lookupId(buildIdIndex(columnFromCells("int64", [7n, 9n]), "id"), 9); // 1
 * ```
 */
export function lookupId(index: IdIndex, id: string | number | bigint): number | undefined {
  const direct = index.get(id);
  if (direct !== undefined) return direct;
  if (typeof id === "number" && Number.isSafeInteger(id)) return index.get(BigInt(id));
  if (
    typeof id === "bigint" &&
    id >= BigInt(Number.MIN_SAFE_INTEGER) &&
    id <= BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    return index.get(Number(id));
  }
  return undefined;
}
