/** A result whose instance table is written in parts, the way the workers of a split fit write it. */

import { parquetMetaIO } from "@tt/meta-parquet";
import type { DecompositionResult, WritableKeyValueStore, WrittenTable } from "@tt/schema";

/**
 * `result` with its instance table written into `store` as parts of `sizes` rows
 * (`factor_tables/instance/part-0000i.parquet`) and listed in `writtenTables` instead of held.
 */
export async function withInstanceParts(
  store: WritableKeyValueStore,
  result: DecompositionResult,
  sizes: readonly number[],
): Promise<DecompositionResult> {
  const { instance, ...factorTables } = result.factorTables;
  const parts: WrittenTable["parts"] = [];
  let start = 0;
  for (const [i, rows] of sizes.entries()) {
    const path = `factor_tables/instance/part-${String(i).padStart(5, "0")}.parquet`;
    const slice = instance!.slice(start, start + rows);
    await store.set(path, await parquetMetaIO.write(slice, { axis: "instance" }));
    parts.push({ path, rows });
    start += rows;
  }
  if (start !== instance!.numRows)
    throw new Error(`the sizes cover ${start} of ${instance!.numRows} rows`);
  const written = { location: store.location, rows: start, columns: instance!.columnNames, parts };
  return { ...result, factorTables, writtenTables: { instance: written } };
}
