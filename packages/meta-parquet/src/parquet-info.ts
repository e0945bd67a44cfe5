/** What a Parquet file holds, from its footer alone: rows, columns and their types, metadata. */

import { isTensorToolsError, type KeyValueStore, type LogicalType } from "@tt/schema";
import { METADATA_KEYS } from "./metadata-keys.js";
import { openParquet } from "./open-parquet.js";
import { columnReading, describeParquetType } from "./parquet-types.js";

/** One top-level column of a Parquet file. */
export interface ParquetColumnInfo {
  /** The column name. */
  readonly name: string;
  /** Its Parquet type, e.g. `INT64 (TIMESTAMP(MICROS, isAdjustedToUTC=true))`. */
  readonly parquetType: string;
  /** The MetaTable type it reads as, or `undefined` if it cannot be read. */
  readonly type: LogicalType | undefined;
}

/** The footer of a Parquet file as tensortools sees it. */
export interface ParquetInfo {
  /** Number of rows. */
  readonly numRows: number;
  /** Number of row groups. */
  readonly numRowGroups: number;
  /** The top-level columns, in file order. */
  readonly columns: readonly ParquetColumnInfo[];
  /** The axis recorded under `tensortools.axis`, if any. */
  readonly axis: string | undefined;
  /** Every key-value metadata entry of the file, the tensortools ones included. */
  readonly keyValueMetadata: Readonly<Record<string, string>>;
  /** The writer the file names in `created_by`. */
  readonly createdBy: string | undefined;
}

/** Options of {@link readParquetInfo}. */
export interface ReadParquetInfoOptions {
  /** Stops the read. */
  signal?: AbortSignal;
}

/**
 * Reads only the footer of a Parquet file (bytes, or `key` of a store) and describes it.
 *
 * @example
 * ```ts
 * const { numRows, axis, columns } = await readParquetInfo(store, "meta/instance.parquet");
 * ```
 */
export function readParquetInfo(
  bytes: Uint8Array | ArrayBuffer,
  options?: ReadParquetInfoOptions,
): Promise<ParquetInfo>;
export function readParquetInfo(
  store: KeyValueStore,
  key: string,
  options?: ReadParquetInfoOptions,
): Promise<ParquetInfo>;
export async function readParquetInfo(
  source: Uint8Array | ArrayBuffer | KeyValueStore,
  keyOrOptions?: string | ReadParquetInfoOptions,
  maybeOptions?: ReadParquetInfoOptions,
): Promise<ParquetInfo> {
  const isBytes = source instanceof Uint8Array || source instanceof ArrayBuffer;
  const options = (isBytes ? keyOrOptions : maybeOptions) as ReadParquetInfoOptions | undefined;
  const opened = await openParquet(
    isBytes ? source : { store: source, key: keyOrOptions as string },
    options?.signal,
  );
  const { metadata, tree, where } = opened;
  const keyValueMetadata: Record<string, string> = {};
  for (const { key, value } of metadata.key_value_metadata ?? [])
    keyValueMetadata[key] = value ?? "";
  return {
    numRows: Number(metadata.num_rows),
    numRowGroups: metadata.row_groups.length,
    columns: tree.children.map((node) => ({
      name: node.element.name,
      parquetType: describeParquetType(node),
      type: readableType(() => columnReading(node, where).type),
    })),
    axis: keyValueMetadata[METADATA_KEYS.axis],
    keyValueMetadata,
    createdBy: metadata.created_by,
  };
}

function readableType(read: () => LogicalType): LogicalType | undefined {
  try {
    return read();
  } catch (error) {
    if (isTensorToolsError(error, "unsupported")) return undefined;
    throw error;
  }
}
