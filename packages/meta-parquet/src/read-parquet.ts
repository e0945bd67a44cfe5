/** Decodes a MetaTable from Parquet, reading only the columns and rows asked for. */

import {
  type AnyColumn,
  DataError,
  type Field,
  InvalidSelectionError,
  type KeyValueStore,
  type MetaReadOptions,
  MetaTable,
  NotFoundError,
} from "@tt/schema";
import { type ColumnData, parquetRead, type SchemaTree } from "hyparquet";
import { decompressorsFor, type ParquetDecompressors } from "./codecs.js";
import { createColumnBuilder } from "./column-builder.js";
import { decodeSchema, METADATA_KEYS } from "./metadata-keys.js";
import {
  asReadError,
  type OpenedParquet,
  openParquet,
  type ParquetSource,
} from "./open-parquet.js";
import { type ColumnReading, columnReading } from "./parquet-types.js";

/** Options of {@link readParquet}. */
export interface ReadParquetOptions extends MetaReadOptions {
  /** Decompressors to use instead of hyparquet-compressors for codecs other than SNAPPY. */
  decompressors?: ParquetDecompressors;
}

/**
 * Timestamps and dates come back as the integers stored in the file; the column's unit, known
 * from its schema, turns them into microseconds exactly (hyparquet's default `Date` would drop
 * the microseconds).
 */
const RAW_PARSERS = {
  timestampFromMilliseconds: (millis: bigint) => millis,
  timestampFromMicroseconds: (micros: bigint) => micros,
  timestampFromNanoseconds: (nanos: bigint) => nanos,
  dateFromDays: (days: number) => days,
};

/**
 * Reads a MetaTable from Parquet bytes, or from `key` of a {@link KeyValueStore} with ranged
 * reads of only the footer and the column chunks needed.
 *
 * @example
 * ```ts
 * const table = await readParquet(store, "meta/instance.parquet", { columns: ["instance_id"] });
 * ```
 */
export function readParquet(
  bytes: Uint8Array | ArrayBuffer,
  options?: ReadParquetOptions,
): Promise<MetaTable>;
export function readParquet(
  store: KeyValueStore,
  key: string,
  options?: ReadParquetOptions,
): Promise<MetaTable>;
export function readParquet(
  source: Uint8Array | ArrayBuffer | KeyValueStore,
  keyOrOptions?: string | ReadParquetOptions,
  maybeOptions?: ReadParquetOptions,
): Promise<MetaTable> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    return readTable(source, (keyOrOptions as ReadParquetOptions | undefined) ?? {});
  }
  return readTable({ store: source, key: keyOrOptions as string }, maybeOptions ?? {});
}

async function readTable(source: ParquetSource, options: ReadParquetOptions): Promise<MetaTable> {
  const { signal } = options;
  const opened = await openParquet(source, signal);
  const { where, metadata } = opened;
  const available = opened.tree.children.map((child) => child.element.name);
  const names = selectedColumns(options.columns, available, where);
  const readings = readingsOf(opened, names);

  const numRows = Number(metadata.num_rows);
  const rowStart = options.rowStart ?? 0;
  const rowEnd = options.rowEnd ?? numRows;
  if (
    !Number.isInteger(rowStart) ||
    !Number.isInteger(rowEnd) ||
    rowStart < 0 ||
    rowEnd > numRows ||
    rowStart > rowEnd
  ) {
    throw new InvalidSelectionError(
      "table rows",
      `slice ${rowStart}:${rowEnd} does not fit 0:${numRows} of ${where}`,
    );
  }
  const count = rowEnd - rowStart;
  const builders = new Map(
    names.map((name) => [
      name,
      createColumnBuilder(readings.get(name)!, count, `${where} column '${name}'`, rowStart),
    ]),
  );
  if (count > 0 && names.length > 0) {
    const chunks = await readChunks(opened, names, rowStart, rowEnd, options);
    const delivered = new Map(names.map((name) => [name, 0]));
    for (const chunk of chunks) {
      const builder = builders.get(chunk.columnName);
      if (builder === undefined) continue;
      const from = Math.max(chunk.rowStart, rowStart);
      const to = Math.min(chunk.rowEnd, rowEnd);
      const data = chunk.columnData;
      for (let row = from; row < to; row++) builder.put(row - rowStart, data[row - chunk.rowStart]);
      delivered.set(chunk.columnName, delivered.get(chunk.columnName)! + Math.max(0, to - from));
    }
    for (const [name, rows] of delivered) {
      if (rows !== count) {
        throw new DataError(
          `${where} column '${name}'`,
          `holds ${rows} of the ${count} rows ${rowStart}..${rowEnd} the footer promises; the file is truncated or corrupt`,
        );
      }
    }
  }
  const columns = names.map((name) => [name, builders.get(name)!.finish()] as [string, AnyColumn]);
  return MetaTable.fromColumns(columns, count);
}

/** The requested column names, checked against the file's; all of them when none are asked for. */
function selectedColumns(
  requested: readonly string[] | undefined,
  available: readonly string[],
  where: string,
): string[] {
  if (requested === undefined) return [...available];
  const seen = new Set<string>();
  for (const name of requested) {
    if (!available.includes(name)) {
      throw new NotFoundError(
        `column '${name}'`,
        `no column '${name}' in ${where}; available columns: ${available.length ? available.join(", ") : "(none)"}`,
        { available },
      );
    }
    if (seen.has(name)) throw new DataError(`column '${name}'`, "is requested twice in `columns`");
    seen.add(name);
  }
  return [...requested];
}

/**
 * How to read each of `names`. Where the file records its tensortools schema, each column's
 * Parquet type must read as the logical type recorded for it.
 */
function readingsOf(opened: OpenedParquet, names: readonly string[]): Map<string, ColumnReading> {
  const { where, tree, metadata } = opened;
  const nodes = new Map(tree.children.map((child) => [child.element.name, child]));
  const recordedText = metadata.key_value_metadata?.find(({ key }) => key === METADATA_KEYS.schema);
  const recorded = new Map<string, Field["type"]>(
    recordedText?.value === undefined
      ? []
      : decodeSchema(recordedText.value, where).map(({ name, type }) => [name, type]),
  );
  return new Map(
    names.map((name) => {
      const reading = columnReading(nodes.get(name) as SchemaTree, where);
      const expected = recorded.get(name);
      if (expected !== undefined && expected !== reading.type) {
        throw new DataError(
          `${where} column '${name}'`,
          `is recorded as ${expected} in '${METADATA_KEYS.schema}' but its Parquet type reads as ` +
            `${reading.type}; the file was changed by another tool: rewrite it from the table`,
        );
      }
      return [name, reading];
    }),
  );
}

/** The decoded chunks of `names` that cover rows `rowStart..rowEnd`, fetching nothing else. */
async function readChunks(
  opened: OpenedParquet,
  names: readonly string[],
  rowStart: number,
  rowEnd: number,
  options: ReadParquetOptions,
): Promise<ColumnData[]> {
  const { file, metadata, where } = opened;
  const { signal } = options;
  const compressors = await decompressorsFor(
    metadata,
    new Set(names),
    options.decompressors,
    where,
  );
  const chunks: ColumnData[] = [];
  try {
    await parquetRead({
      file,
      metadata,
      columns: [...names],
      rowStart,
      rowEnd,
      compressors,
      parsers: RAW_PARSERS,
      geoparquet: false,
      // The offset index lets a row range skip the pages outside it, at the cost of one small read.
      useOffsetIndex: rowEnd - rowStart < Number(metadata.num_rows),
      onChunk: (chunk) => chunks.push(chunk),
    });
  } catch (error) {
    throw asReadError(error, where, "could not be decoded", signal);
  }
  signal?.throwIfAborted();
  return chunks;
}
