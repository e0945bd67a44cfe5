/** Checking the id columns of a CSV table: every row has an id and no id repeats, by line. */

import { DataError } from "@tt/schema";

/**
 * Checks the parsed values of the id column `name`: a null field or a value that an earlier row
 * already has is a DataError naming the line of the row and, for a repeat, the line of the first
 * occurrence. `fields` are the texts as written, `lines` the line of each row.
 */
export function checkIdColumn(
  name: string,
  values: { readonly [row: number]: unknown },
  valid: Uint8Array,
  fields: readonly string[],
  lines: readonly number[],
): void {
  const firstRow = new Map<unknown, number>();
  for (let row = 0; row < fields.length; row++) {
    const where = `line ${lines[row]}, column '${name}'`;
    if (valid[row] === 0)
      throw new DataError(
        where,
        `${JSON.stringify(fields[row])} is null, but '${name}' holds ids: every row needs one`,
      );
    const value = values[row];
    // Values compare as stored (int64 as bigint); lists, which are objects, by their items.
    const key = typeof value === "object" && value !== null ? JSON.stringify(value) : value;
    const first = firstRow.get(key);
    if (first !== undefined) {
      const written =
        fields[first] === fields[row] ? "" : ` (written ${JSON.stringify(fields[first])} there)`;
      throw new DataError(
        where,
        `repeats the id ${JSON.stringify(fields[row])} of line ${lines[first]}${written}; ids must be unique`,
      );
    }
    firstRow.set(key, row);
  }
}
