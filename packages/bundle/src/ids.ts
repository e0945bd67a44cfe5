/** Id columns: checking them and looking elements up by id in O(1). */

import { type AnyColumn, DataError, isNullAt } from "@tt/schema";

/** Maps the ids of one axis to their positions. */
export type IdIndex = Map<string | number | bigint, number>;

/**
 * Builds the id index of `column`; a null or repeated id is a DataError naming where. Ids are
 * strings or integers; with `coordinates` (the axes after the first: sample times, offsets),
 * finite float64 values too.
 */
export function buildIdIndex(column: AnyColumn, where: string, coordinates = false): IdIndex {
  const float = coordinates && column.type === "float64";
  if (column.type !== "string" && column.type !== "int32" && column.type !== "int64" && !float) {
    throw new DataError(
      where,
      `is ${column.type}; an id column must be string, int32 or int64${coordinates ? ", or float64 for the coordinates of an axis after the first" : ""}`,
    );
  }
  const index: IdIndex = new Map();
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

/** Looks `id` up, accepting a number for an int64 column and a bigint for an int32 one. */
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
