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

// Why SNAPPY: bench/parquet.bench.ts, a realistic 1M-row, 9-column table (52 MB uncompressed),
// Node 20 on a shared 2-core machine, best of 3:
//
//   codec              size     write   read all  | codec alone: compress  decompress
//   UNCOMPRESSED       52.4 MB  4.1 s   2.9 s     |
//   SNAPPY (built in)  31.6 MB  5.5 s   3.2 s     |   43-60 MB/s   250-280 MB/s
//   GZIP level 1       24.0 MB  5.1 s   3.7 s     |   78-84 MB/s    62-107 MB/s
//   BROTLI quality 1   22.7 MB  4.8 s   4.6 s     |     220 MB/s        36 MB/s
//   ZSTD level 1       21.8 MB  4.5 s   3.5 s     |     164 MB/s    95-105 MB/s
//
// Whole-file times vary by about a second between runs; encoding and decoding dominate them.
// Reading matters more than writing for metadata, and SNAPPY decodes 2.5x faster than any other
// codec's decoder available here (pure JS in hyparquet-compressors) while making files 40%
// smaller than UNCOMPRESSED, which counts when tables are fetched over HTTP. Its JS compressor
// is the slowest (about 1 s on this table); hysnappy's wasm compressor runs at 300 MB/s and can
// be passed as `compressors: { SNAPPY }`, but a wasm module stays out of the default path.
// GZIP, BROTLI and ZSTD save another quarter of the size for slower reads and extra code.
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
