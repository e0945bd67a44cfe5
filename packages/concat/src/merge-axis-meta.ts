/** The metadata of an aligned axis: one row per output element, merged from every input that has it. */

import {
  type AnyColumn,
  type Column,
  columnFromValues,
  concatColumns,
  DataError,
  isNullAt,
  type LogicalType,
  MetaTable,
} from "@tt/schema";

/** The metadata of an axis in one input, and where each output element is in it (-1: absent). */
export interface AxisPart {
  /** How messages name the input. */
  readonly label: string;
  /** The input's metadata of the axis. */
  readonly table: MetaTable;
  /** For each output element, its row in `table`, or -1. */
  readonly rows: Int32Array;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => x === b[i]);
  // biome-ignore lint/suspicious/noSelfCompare: NaN equals NaN here
  return a === b || (a !== a && b !== b);
}

function show(column: AnyColumn, row: number): string {
  if (isNullAt(column, row)) return "null";
  const value = (column.values as ArrayLike<unknown>)[row];
  if (column.type === "boolean") return value === 1 ? "true" : "false";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/**
 * Merges the metadata of `axis` from `parts` into one table of `length` rows: the columns are the
 * union (in order of first appearance), each cell comes from the first input that has the element
 * and the column. Inputs that share an element and a column must agree on its value (null only
 * equals null, NaN equals NaN); the first difference is an error naming the element, the column,
 * both inputs and both values. The same column with two types is an error naming both inputs.
 */
export function mergeAxisMeta(
  axis: string,
  length: number,
  parts: readonly AxisPart[],
  elementName: (element: number) => string,
): MetaTable {
  const types = new Map<string, { type: LogicalType; label: string }>();
  for (const part of parts) {
    for (const { name, type } of part.table.schema) {
      const seen = types.get(name);
      if (seen === undefined) types.set(name, { type, label: part.label });
      else if (seen.type !== type) {
        throw new DataError(
          `axis '${axis}' column '${name}'`,
          `is ${seen.type} in ${seen.label} but ${type} in ${part.label}; cast one of them first`,
        );
      }
    }
  }
  const columns = [...types].map(([name, { type }]) => {
    const merged = concatColumns(type, [{ column: undefined, length }]) as Column;
    const values = merged.values as unknown as { [i: number]: unknown };
    const valid = new Uint8Array(length);
    const from: (AxisPart | undefined)[] = new Array(length);
    for (const part of parts) {
      if (!part.table.has(name)) continue;
      const column = part.table.column(name);
      const source = column.values as ArrayLike<unknown>;
      for (let element = 0; element < length; element++) {
        const row = part.rows[element]!;
        if (row < 0) continue;
        const first = from[element];
        if (first === undefined) {
          from[element] = part;
          values[element] = source[row];
          valid[element] = isNullAt(column, row) ? 0 : 1;
          continue;
        }
        const firstColumn = first.table.column(name);
        const firstRow = first.rows[element]!;
        const agree =
          isNullAt(column, row) === isNullAt(firstColumn, firstRow) &&
          (isNullAt(column, row) ||
            sameValue(source[row], (firstColumn.values as ArrayLike<unknown>)[firstRow]));
        if (!agree) {
          throw new DataError(
            `axis '${axis}' element ${elementName(element)} column '${name}'`,
            `is ${show(firstColumn, firstRow)} in ${first.label} but ${show(column, row)} in ${part.label}; aligned elements must have the same metadata`,
          );
        }
      }
    }
    return [name, columnFromValues(type, merged.values, valid) as AnyColumn] as const;
  });
  return MetaTable.fromColumns(columns, length);
}
