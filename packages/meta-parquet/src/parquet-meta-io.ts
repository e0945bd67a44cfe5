/** The Parquet MetaIO plugin: a plain object whose heavy code loads on first use. */

import type { MetaIO } from "@tt/schema";
import { VERSION } from "./version.js";

/**
 * The {@link MetaIO} plugin for Parquet (`id: "parquet"`): writes with explicit types and
 * SNAPPY, reads any Parquet file whose columns map to MetaTable types.
 */
export const parquetMetaIO = {
  id: "parquet",
  version: VERSION,
  extension: ".parquet",
  async read(store, key, options?) {
    const { readParquet } = await import("./read-parquet.js");
    return readParquet(store, key, options);
  },
  async write(table, options?) {
    const { writeParquet } = await import("./write-parquet.js");
    return writeParquet(table, options);
  },
} as const satisfies MetaIO;
