/** Encodes a MetaTable as Parquet bytes with explicit types and tensortools key-value metadata. */

import {
  type AnyColumn,
  ConfigError,
  DataError,
  type MetaTable,
  type MetaWriteOptions,
  UnsupportedError,
} from "@tt/schema";
import type { KeyValue, SchemaElement } from "hyparquet";
import { type ColumnSource, parquetWriteBuffer } from "hyparquet-writer";
import {
  checkWriteCodec,
  DEFAULT_CODEC,
  type ParquetCodec,
  type ParquetCompressors,
} from "./codecs.js";
import { encodeSchema, METADATA_KEYS, RESERVED_PREFIX } from "./metadata-keys.js";
import { schemaElementsOf } from "./parquet-types.js";
import { VERSION } from "./version.js";

/** Options of {@link writeParquet}. */
export interface WriteParquetOptions extends MetaWriteOptions {
  /** Compression codec; SNAPPY by default. Codecs other than SNAPPY and UNCOMPRESSED need `compressors`. */
  codec?: ParquetCodec;
  /** Synchronous compressors for codecs hyparquet-writer does not have built in. */
  compressors?: ParquetCompressors;
  /** Rows per row group; 100,000 by default. */
  rowGroupSize?: number;
}

/**
 * Rows per row group. Large enough that a metadata table is one or a few groups (little footer
 * and per-group overhead), small enough that a row range never decodes far more than it needs;
 * the offset index written with each column chunk narrows range reads to pages inside a group.
 */
const DEFAULT_ROW_GROUP_SIZE = 100_000;

/**
 * Encodes `table` as a Parquet file: every column OPTIONAL with an explicit Parquet type, plus
 * the axis, the logical schema and `keyValueMetadata` in the file's key-value metadata.
 *
 * @example
 * ```ts
 * const bytes = writeParquet(table, { axis: "instance" });
 * ```
 */
export function writeParquet(table: MetaTable, options: WriteParquetOptions = {}): Uint8Array {
  const codec = options.codec ?? DEFAULT_CODEC;
  checkWriteCodec(codec, options.compressors);
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isSafeInteger(rowGroupSize) || rowGroupSize < 1) {
    throw new ConfigError("rowGroupSize", `must be a positive integer, got ${rowGroupSize}`);
  }
  const names = table.columnNames;
  if (names.length === 0 && table.numRows > 0) {
    throw new UnsupportedError(
      "tables without columns",
      `a table with ${table.numRows} rows and no columns cannot be written as Parquet, which ` +
        "counts rows only through its columns; add a column (for example an id column)",
    );
  }
  const schema: SchemaElement[] = [{ name: "root", num_children: names.length }];
  const columnData: ColumnSource[] = names.map((name) => {
    const column = table.column(name);
    schema.push(...schemaElementsOf(name, column.type));
    return { name, data: parquetValues(name, column) };
  });
  const buffer = parquetWriteBuffer({
    columnData,
    schema,
    codec,
    compressors: options.compressors,
    rowGroupSize,
    kvMetadata: keyValueMetadata(table, options),
    createdBy: `@tt/meta-parquet version ${VERSION}`,
  });
  return new Uint8Array(buffer);
}

function keyValueMetadata(table: MetaTable, options: WriteParquetOptions): KeyValue[] {
  const entries: KeyValue[] = [];
  if (options.axis !== undefined) {
    if (typeof options.axis !== "string" || options.axis.length === 0) {
      throw new ConfigError(
        "axis",
        `must be a non-empty string, got ${JSON.stringify(options.axis)}`,
      );
    }
    entries.push({ key: METADATA_KEYS.axis, value: options.axis });
  }
  entries.push({ key: METADATA_KEYS.schema, value: encodeSchema(table.schema) });
  for (const [key, value] of Object.entries(options.keyValueMetadata ?? {})) {
    if (key.startsWith(RESERVED_PREFIX)) {
      throw new ConfigError(
        `keyValueMetadata.${key}`,
        `keys starting with '${RESERVED_PREFIX}' are written by tensortools itself; ` +
          "use another prefix (the axis goes in the `axis` option)",
      );
    }
    if (typeof value !== "string") {
      throw new ConfigError(`keyValueMetadata.${key}`, `must be a string, got ${typeof value}`);
    }
    entries.push({ key, value });
  }
  return entries;
}

/** The column's values as hyparquet-writer takes them: nulls as `null`, booleans as booleans. */
function parquetValues(name: string, column: AnyColumn): ColumnSource["data"] {
  if (column.type === "string") checkWellFormed(name, column.values, column.valid);
  if (column.type === "list<string>") {
    column.values.forEach((list, row) => {
      if (column.valid === undefined || column.valid[row] === 1)
        checkWellFormed(name, list, undefined, row);
    });
  }
  const valid = column.valid;
  if (column.type === "boolean") {
    return Array.from(column.values, (v, row) =>
      valid !== undefined && valid[row] === 0 ? null : v === 1,
    );
  }
  if (valid === undefined) return column.values;
  return Array.from(column.values as ArrayLike<unknown>, (v, row) => (valid[row] === 0 ? null : v));
}

/**
 * Rejects strings with lone surrogates: UTF-8 cannot encode them, and TextEncoder would silently
 * replace them with U+FFFD, so the file would not read back as written.
 */
function checkWellFormed(
  name: string,
  strings: readonly string[],
  valid: Uint8Array | undefined,
  listRow?: number,
): void {
  for (let i = 0; i < strings.length; i++) {
    if (valid !== undefined && valid[i] === 0) continue;
    if (!isWellFormed(strings[i]!)) {
      const where = listRow === undefined ? `row ${i}` : `row ${listRow} element ${i}`;
      throw new DataError(
        `column '${name}' ${where}`,
        `${JSON.stringify(strings[i])} has a lone UTF-16 surrogate, which Parquet's UTF-8 cannot ` +
          "store; fix or drop the broken character",
      );
    }
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isWellFormed(text: string): boolean {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  return native !== undefined ? native.call(text) : !LONE_SURROGATE.test(text);
}
