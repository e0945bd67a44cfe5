/** `decomposeTo`: decompose and write the result, the instance table written by the workers of a split fit. */

import type { ResultManifest } from "@tt/result";
import type { AxisAnnotatedTensor, DecompositionMethod, ReadableView } from "@tt/schema";
import { type DecomposeOptions, decompose } from "./decompose.js";
import { type WriteResultOptions, writeResult } from "./write-result.js";

/** Options of {@link decomposeTo}: those of `decompose` and of `writeResult`. */
export interface DecomposeToOptions
  extends Omit<DecomposeOptions, "writeRowsTo">,
    Pick<WriteResultOptions, "overwrite" | "catalog"> {}

/**
 * Decomposes `input` (as {@link decompose}) and writes the result bundle at `output`, a directory
 * or an `s3://` prefix (as `writeResult`, atomically for a directory; with a catalog, the run is
 * recorded). With an `engine`, the fit runs inside the write: the workers of svd, pca and cp
 * write the instance table themselves, one Parquet part per partition of the instances
 * (`factor_tables/instance/part-00000.parquet`, …), so the process that coordinates never holds
 * a row of it, however many instances there are. The workers must reach `output` (the same file
 * system for a directory: the parts go to the temporary directory that becomes the result).
 * Returns the manifest; `openResult(output)` reads the result, its parts as one table.
 *
 * @example
 * ```ts
 * import { createBullmqEngine } from "@tt/engine-bullmq";
 * import { decomposeTo, openDataset } from "tensortools";
 *
 * const engine = await createBullmqEngine({ connection: "redis://127.0.0.1:6379" });
 * const view = await openDataset("s3://studies/cohort");
 * const manifest = await decomposeTo("s3://studies/cohort-pca", view, "pca", { rank: 10 }, { engine });
 * manifest.files.factor_table_parts?.instance; // the parts the workers wrote
 * await engine.close();
 * ```
 */
export async function decomposeTo(
  output: string,
  input: ReadableView | AxisAnnotatedTensor,
  method: string | DecompositionMethod<object>,
  config: object = {},
  options: DecomposeToOptions = {},
): Promise<ResultManifest> {
  const { overwrite, catalog, ...rest } = options;
  const writeOptions = {
    ...(overwrite !== undefined && { overwrite }),
    ...(catalog !== undefined && { catalog }),
  };
  if (rest.engine === undefined)
    return writeResult(output, await decompose(input, method, config, rest), writeOptions);
  return writeResult(
    output,
    (location) => decompose(input, method, config, { ...rest, writeRowsTo: location }),
    writeOptions,
  );
}
