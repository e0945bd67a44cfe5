/** Writing a result bundle on Node, its run recorded when a catalog is in use. */

import type { ResultManifest } from "@tt/result";
import {
  type ResultProducer,
  type WriteResultOptions as ResultWriteOptions,
  writeResult as writeResultIn,
} from "@tt/result/fs";
import type { DecompositionResult, JsonValue } from "@tt/schema";
import {
  type CatalogOptions,
  inputsOf,
  recordLateWrite,
  recordWrite,
  type WriteRun,
} from "./catalog-runs.js";
import { runParams } from "./run-params.js";
import { isS3Location, writeResultToS3 } from "./s3-locations.js";

/** Options of {@link writeResult}: those of `writeResult` of `@tt/result/fs`, and `catalog`. */
export interface WriteResultOptions extends ResultWriteOptions, CatalogOptions {}

/**
 * The run of a result: its decomposition (method, method version, config, seed) and the dataset
 * it was computed from, with the view's selectors.
 */
function resultRun(path: string, result: DecompositionResult, options: object): WriteRun {
  const { dataset, selectors, field } = result.inputRef;
  const seed = result.attrs.seed;
  const params: Record<string, JsonValue> = {
    method: result.method,
    methodVersion: result.methodVersion,
    config: result.config,
    ...(seed === undefined ? {} : { seed }),
    ...(field === undefined ? {} : { field }),
    ...runParams(options),
  };
  const inputs =
    dataset === null
      ? []
      : inputsOf({ location: dataset.location }).map((input) => ({
          ...input,
          selectors: structuredClone(selectors),
        }));
  return { transform: "writeResult", params, inputs, output: path };
}

/**
 * Writes `result` as a result bundle at directory `path`, atomically (see `writeResult` of
 * `@tt/result/fs`; with `overwrite`, a result there is replaced whole), or at an
 * `s3://<bucket>/<prefix>` location (with the AWS environment variables, as `openDataset` reads
 * them), which must be an empty prefix: a result in a bucket is not replaced. With a catalog
 * (`options.catalog`, or `TT_CATALOG`), the write is recorded as a run `writeResult`: the
 * decomposition (method, config, seed) and the options as its parameters, the dataset the
 * result was computed from with the view's selectors as its input, the bundle as its output.
 *
 * `result` may instead be a function that makes the result, called once the target has been
 * checked with the location the bundle is being written in (the temporary directory that
 * becomes the result, or the `s3://` prefix), so that the workers of a split fit write the parts
 * of its instance table there (`writtenTables`) inside the write. Its run is recorded from the
 * result it made, started when it has made it.
 *
 * @example
 * ```ts
 * import { decompose, openDataset, writeResult } from "tensortools";
 *
 * const view = (await openDataset("./eeg")).query("epoch", "rt_ms > 400");
 * const result = await decompose(view, "pca", { rank: 5 });
 * await writeResult("./eeg-pca", result, { catalog: "./study/catalog.db" });
 * ```
 */
export function writeResult(
  path: string,
  result: DecompositionResult | ResultProducer,
  options: WriteResultOptions = {},
): Promise<ResultManifest> {
  const { catalog, ...rest } = options;
  if (typeof result === "function")
    return recordLateWrite(catalog, path, (begin) => {
      const produce = async (location: string) => {
        const made = await result(location);
        const { output: _, ...run } = resultRun(path, made, rest);
        await begin(run);
        return made;
      };
      return isS3Location(path)
        ? writeResultToS3(path, produce, rest)
        : writeResultIn(path, produce, rest);
    });
  return recordWrite(
    catalog,
    () => resultRun(path, result, rest),
    () =>
      isS3Location(path) ? writeResultToS3(path, result, rest) : writeResultIn(path, result, rest),
  );
}
