/** Compression codecs: the default for writing, and decompressors for whatever a file uses. */

import { ConfigError, UnsupportedError } from "@tt/schema";
import type { FileMetaData } from "hyparquet";

/** A Parquet compression codec. */
export type ParquetCodec =
  | "UNCOMPRESSED"
  | "SNAPPY"
  | "GZIP"
  | "LZO"
  | "BROTLI"
  | "LZ4"
  | "ZSTD"
  | "LZ4_RAW";

/** Synchronous compressors for writing, by codec (e.g. GZIP from `node:zlib`'s `gzipSync`). */
export type ParquetCompressors = Partial<Record<ParquetCodec, (input: Uint8Array) => Uint8Array>>;

/** Synchronous decompressors for reading, by codec; `outputLength` is the uncompressed size. */
export type ParquetDecompressors = Partial<
  Record<ParquetCodec, (input: Uint8Array, outputLength: number) => Uint8Array>
>;

// Why SNAPPY: bench/parquet.bench.ts on a realistic 1M-row, 9-column table (Node 20, 2 cores,
// best of 2) measured
//
//   codec              write   size     read all  read 2 columns
//   UNCOMPRESSED       5.2 s   52.4 MB  4.6 s     0.40 s
//   SNAPPY             5.6 s   31.6 MB  3.2 s     0.23 s
//   GZIP level 1       5.2 s   24.0 MB  4.7 s     0.32 s
//   GZIP level 6       7.0 s   23.7 MB  4.7 s     0.38 s
//   BROTLI quality 1   5.8 s   22.7 MB  6.2 s     0.42 s
//   ZSTD level 1       6.0 s   21.8 MB  6.3 s     0.38 s
//
// Writing is dominated by encoding, not compression, so every codec writes in about the same
// time. SNAPPY makes files 40% smaller than UNCOMPRESSED and reads fastest; GZIP, BROTLI and ZSTD
// save another quarter of the size but read 1.5-2x slower (their decoders are pure JS) and need
// extra code on both sides. SNAPPY is built into hyparquet, hyparquet-writer and every reader.
/** The codec `writeParquet` uses unless told otherwise: SNAPPY, the fastest to read. */
export const DEFAULT_CODEC: ParquetCodec = "SNAPPY";

/** Codecs hyparquet and hyparquet-writer handle without extra code. */
const BUILT_IN: ReadonlySet<ParquetCodec> = new Set(["UNCOMPRESSED", "SNAPPY"]);

/** Checks that `codec` can be written, given the user's `compressors`. */
export function checkWriteCodec(codec: ParquetCodec, compressors: ParquetCompressors = {}): void {
  if (BUILT_IN.has(codec) || compressors[codec] !== undefined) return;
  throw new ConfigError(
    "codec",
    `${JSON.stringify(codec)} needs a compressor: pass compressors: { ${codec}: (bytes) => ` +
      "compressed } (e.g. GZIP from node:zlib gzipSync), or use SNAPPY or UNCOMPRESSED",
  );
}

/**
 * The decompressors needed to read `columns` of a file: none beyond hyparquet's own for SNAPPY
 * and UNCOMPRESSED, else the user's, else hyparquet-compressors, loaded only when needed.
 */
export async function decompressorsFor(
  metadata: FileMetaData,
  columns: ReadonlySet<string>,
  user: ParquetDecompressors = {},
  where = "Parquet file",
): Promise<ParquetDecompressors | undefined> {
  const needed = new Set<ParquetCodec>();
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (meta === undefined || !columns.has(meta.path_in_schema[0] ?? "")) continue;
      if (!BUILT_IN.has(meta.codec) && user[meta.codec] === undefined) needed.add(meta.codec);
    }
  }
  if (needed.size === 0) return Object.keys(user).length > 0 ? user : undefined;
  const extra = await import("hyparquet-compressors");
  const available: ParquetDecompressors = {
    GZIP: extra.decompressGzip,
    BROTLI: extra.decompressBrotli,
    ZSTD: (input) => extra.decompressZstd(input),
    LZ4: extra.decompressLz4,
    LZ4_RAW: extra.decompressLz4Raw,
  };
  for (const codec of needed) {
    if (available[codec] === undefined) {
      throw new UnsupportedError(
        `codec ${codec}`,
        `${where}: column chunks are compressed with ${codec}, which has no decompressor here; ` +
          `pass decompressors: { ${codec}: (bytes, outputLength) => decompressed }`,
      );
    }
  }
  return { ...available, ...user };
}
