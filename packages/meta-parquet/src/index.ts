/**
 * Parquet metadata IO for tensortools: writes MetaTables with explicit Parquet types and the
 * axis and logical schema in the file's key-value metadata, and reads them back exactly, as well
 * as Parquet written by other tools (DuckDB, Arrow, Spark), reading only the columns and row
 * range asked for. Built on hyparquet and hyparquet-writer.
 *
 * @example
 * ```ts
 * import { columnFromCells, MetaTable } from "@tt/schema";
 * import { createMemoryStore } from "@tt/storage";
 * import { parquetMetaIO } from "@tt/meta-parquet";
 *
 * const table = MetaTable.fromColumns({
 *   instance_id: columnFromCells("string", ["e1", "e2", "e3"]),
 *   score: columnFromCells("float64", [0.5, null, 0.9]),
 * });
 * const store = createMemoryStore();
 * await store.set("meta/instance.parquet", await parquetMetaIO.write(table, { axis: "instance" }));
 * const scores = await parquetMetaIO.read(store, "meta/instance.parquet", { columns: ["score"] });
 * ```
 *
 * @packageDocumentation
 */

export {
  DEFAULT_CODEC,
  type ParquetCodec,
  type ParquetCompressors,
  type ParquetDecompressors,
} from "./codecs.js";
export { METADATA_KEYS } from "./metadata-keys.js";
export {
  type ParquetColumnInfo,
  type ParquetInfo,
  type ReadParquetInfoOptions,
  readParquetInfo,
} from "./parquet-info.js";
export { parquetMetaIO } from "./parquet-meta-io.js";
export { type ReadParquetOptions, readParquet } from "./read-parquet.js";
export { type WriteParquetOptions, writeParquet } from "./write-parquet.js";
