/**
 * The Node entry's openers of datasets by location, with the default registry, so bundles whose
 * manifests record plugins of the registry (a linked HDF5 file) open everywhere a path is taken.
 */

import type { ConcatSummary } from "@tt/concat";
import {
  type ConcatDatasetInput,
  type ConcatDatasetsOptions as ConcatDirectoryOptions,
  concatDatasets as concatWith,
} from "@tt/concat/fs";
import type { ReopenInputOptions } from "@tt/result";
import { reopenInput as reopenWith } from "@tt/result/fs";
import type { DecompositionResult, TensorView } from "@tt/schema";
import { type CatalogOptions, inputsOf, recordWrite } from "./catalog-runs.js";
import { createDefaultRegistry } from "./node-registry.js";
import { runParams } from "./run-params.js";
import { openStoredAt } from "./s3-locations.js";

/** Options of {@link concatDatasets}: those of `concatDatasets` of `@tt/concat/fs`, and `catalog`. */
export interface ConcatDatasetsOptions extends ConcatDirectoryOptions, CatalogOptions {}

/**
 * Reopens the dataset `result` was computed from (a directory, an `http(s)://` URL or an `s3://`
 * location, read with the AWS environment variables as `openDataset` does) and rebuilds the view
 * from the recorded selectors, checking that nothing changed since (see `reopenInput` of
 * `@tt/result`); a file the dataset reads in place that changed since is an InputChangedError too.
 *
 * @example
 * ```ts
 * const view = await reopenInput(await openResult("./results/pca-eeg"));
 * ```
 */
export function reopenInput(
  result: DecompositionResult,
  options: ReopenInputOptions = {},
): Promise<TensorView> {
  const registry = createDefaultRegistry();
  return reopenWith(result, {
    open: options.open ?? ((location) => openStoredAt(location, { registry })),
  });
}

/**
 * Concatenates `inputs` (bundle directories, URLs, views or datasets) into a bundle at directory
 * `options.out` (see `concatDatasets` of `@tt/concat/fs`), resolving the plugins the inputs record
 * in the default registry when `options.registry` is not given. With a catalog
 * (`options.catalog`, or `TT_CATALOG`), the concatenation is recorded as a run `concatDatasets`:
 * the options as its parameters, the inputs' bundles (a view's with its selectors) as its inputs,
 * `out` as its output; inside a run being recorded (`tt concat`), none of its own.
 *
 * @example
 * ```ts
 * const { files } = await concatDatasets(["./sub-01", "./sub-02"], { out: "./all", join: "outer" });
 * ```
 */
export function concatDatasets(
  inputs: readonly ConcatDatasetInput[],
  options: ConcatDatasetsOptions,
): Promise<ConcatSummary> {
  const { catalog, ...rest } = options;
  return recordWrite(
    catalog,
    () => ({
      transform: "concatDatasets",
      params: runParams(rest),
      inputs: (Array.isArray(inputs) ? inputs : []).flatMap((input) =>
        typeof input === "string" ? inputsOf({ location: input }) : inputsOf(input),
      ),
      output: rest.out,
    }),
    () => concatWith(inputs, { ...rest, registry: rest.registry ?? createDefaultRegistry() }),
  );
}
