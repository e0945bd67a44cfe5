/** The reference metadata IO: a MetaTable as typed JSON. */

import { type AnyColumn, columnFromValues, type LogicalType } from "../column.js";
import { DataError, NotFoundError } from "../errors.js";
import { MetaTable } from "../meta-table.js";
import type { MetaIO } from "../plugins.js";

interface StoredColumn {
  name: string;
  type: LogicalType;
  values: unknown[];
  valid: number[] | null;
}

function encodeColumn(name: string, column: AnyColumn): StoredColumn {
  const values: unknown[] = Array.from(column.values as ArrayLike<unknown>, (v) =>
    typeof v === "bigint" || (typeof v === "number" && !Number.isFinite(v))
      ? String(v)
      : Object.is(v, -0)
        ? "-0"
        : v,
  );
  return { name, type: column.type, values, valid: column.valid ? [...column.valid] : null };
}

function decodeColumn(stored: StoredColumn): AnyColumn {
  const valid = stored.valid === null ? undefined : Uint8Array.from(stored.valid);
  const v = stored.values;
  switch (stored.type) {
    case "string":
      return columnFromValues("string", v as string[], valid);
    case "list<string>":
      return columnFromValues("list<string>", v as string[][], valid);
    case "boolean":
      return columnFromValues("boolean", Uint8Array.from(v as number[]), valid);
    case "int32":
      return columnFromValues("int32", Int32Array.from(v as number[]), valid);
    case "float32":
      return columnFromValues("float32", Float32Array.from(v, Number), valid);
    case "float64":
      return columnFromValues("float64", Float64Array.from(v, Number), valid);
    case "int64":
    case "timestamp":
      return columnFromValues(stored.type, BigInt64Array.from(v as string[], BigInt), valid);
    default:
      throw new DataError(
        `column '${stored.name}'`,
        `unknown logical type ${JSON.stringify(stored.type)}`,
      );
  }
}

/**
 * The reference {@link MetaIO}: tables as JSON with their logical types. Exact for every type
 * including NaN, infinities and -0 (written as strings in float columns).
 */
export const memoryMetaIO: MetaIO = {
  id: "json",
  version: "0.1.0",
  extension: ".json",
  async read(store, key, options = {}) {
    const bytes = await store.get(key, { signal: options.signal });
    if (bytes === undefined)
      throw new NotFoundError(key, `no metadata table at '${key}' in ${store.location}`);
    const text = new TextDecoder().decode(bytes);
    const stored = JSON.parse(text) as { numRows: number; columns: StoredColumn[] };
    let table = MetaTable.fromColumns(
      stored.columns.map((c) => [c.name, decodeColumn(c)] as const),
      stored.numRows,
    );
    if (options.columns) table = table.select(options.columns);
    if (options.rowStart !== undefined || options.rowEnd !== undefined) {
      table = table.slice(options.rowStart ?? 0, options.rowEnd ?? table.numRows);
    }
    return table;
  },
  async write(table) {
    const columns = table.columnNames.map((name) => encodeColumn(name, table.column(name)));
    return new TextEncoder().encode(JSON.stringify({ numRows: table.numRows, columns }));
  },
};
