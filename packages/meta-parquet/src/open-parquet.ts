/** Opens a Parquet source: its AsyncBuffer, its footer and its schema, with tensortools errors. */

import { DataError, isTensorToolsError, type KeyValueStore } from "@tt/schema";
import {
  type AsyncBuffer,
  type FileMetaData,
  parquetMetadataAsync,
  parquetSchema,
  type SchemaTree,
} from "hyparquet";
import { bytesAsyncBuffer, storeAsyncBuffer } from "./async-buffer.js";

/** Where Parquet bytes come from: bytes in memory, or a key of a {@link KeyValueStore}. */
export type ParquetSource = Uint8Array | ArrayBuffer | { store: KeyValueStore; key: string };

/** An opened Parquet file. */
export interface OpenedParquet {
  /** The bytes, read lazily. */
  readonly file: AsyncBuffer;
  /** Names the file in messages: the key, or `"Parquet bytes"`. */
  readonly where: string;
  /** The parsed footer. */
  readonly metadata: FileMetaData;
  /** The schema as a tree; its children are the top-level columns. */
  readonly tree: SchemaTree;
}

/**
 * The footer read in one request covers the footers tensortools writes (a few KiB) with room to
 * spare; a larger footer costs one more request, and a small file is read whole.
 */
const FOOTER_FETCH_SIZE = 64 * 1024;

/** The smallest Parquet file: magic, footer length, magic. */
const MIN_PARQUET_BYTES = 12;

/** Opens `source` and parses its footer; bytes that are not Parquet are a {@link DataError}. */
export async function openParquet(
  source: ParquetSource,
  signal?: AbortSignal,
): Promise<OpenedParquet> {
  signal?.throwIfAborted();
  const isBytes = source instanceof Uint8Array || source instanceof ArrayBuffer;
  const where = isBytes ? "Parquet bytes" : source.key;
  const file = isBytes
    ? bytesAsyncBuffer(source)
    : await storeAsyncBuffer(source.store, source.key, signal);
  if (file.byteLength < MIN_PARQUET_BYTES) {
    throw new DataError(
      where,
      `is not a Parquet file: it has ${file.byteLength} bytes, fewer than the ${MIN_PARQUET_BYTES} of the smallest Parquet file`,
    );
  }
  try {
    const metadata = await parquetMetadataAsync(file, {
      initialFetchSize: FOOTER_FETCH_SIZE,
      geoparquet: false,
    });
    return { file, where, metadata, tree: parquetSchema(metadata) };
  } catch (error) {
    throw asReadError(error, where, "is not a valid Parquet file", signal);
  }
}

/**
 * `error` from hyparquet as a tensortools error: aborts and tensortools errors (from the store)
 * pass through, anything else is a {@link DataError} naming the file.
 */
export function asReadError(
  error: unknown,
  where: string,
  what: string,
  signal: AbortSignal | undefined,
): unknown {
  if (signal?.aborted || isTensorToolsError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new DataError(
    where,
    `${what} (${reason}); expected a Parquet file ending in the 'PAR1' magic, written completely`,
    { cause: error },
  );
}
