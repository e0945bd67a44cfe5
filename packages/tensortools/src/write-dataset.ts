/** Writing a dataset bundle on Node, its run recorded when a catalog is in use. */

import type { TensorStream } from "@tt/bundle";
import {
  type WriteDatasetOptions as BundleWriteDatasetOptions,
  writeDataset as writeDatasetIn,
} from "@tt/bundle/fs";
import type { AxisAnnotatedTensor, Manifest, ReadableView } from "@tt/schema";
import { type CatalogOptions, inputsOf, recordWrite } from "./catalog-runs.js";
import { runParams } from "./run-params.js";
import { isS3Location, writeDatasetToS3 } from "./s3-locations.js";

/** Options of {@link writeDataset}: those of `writeDataset` of `@tt/bundle/fs`, and `catalog`. */
export interface WriteDatasetOptions extends BundleWriteDatasetOptions, CatalogOptions {}

/**
 * Writes `source` (a tensor, a stream of blocks, or any view: a query of a bundle, a joined view)
 * as a dataset bundle at directory `path`, atomically (see `writeDataset` of `@tt/bundle/fs`: a
 * new bundle is renamed into place; with `overwrite`, a dataset there gets it as its next
 * version), or at an `s3://<bucket>/<prefix>` location (with the AWS environment variables, as
 * `openDataset` reads them): a new bundle in an empty prefix, or with `overwrite` the next version
 * of the dataset there; the manifest is written last, so a failed write leaves what was there.
 * With a catalog (`options.catalog`, or `TT_CATALOG`), the write is recorded as a run
 * `writeDataset`: the options as its parameters, a view's dataset with the view's selectors as
 * its input, the bundle written as its output (a directory: an `s3://` location with a catalog
 * is a ConfigError).
 *
 * @example
 * ```ts
 * import { openDataset, writeDataset } from "tensortools";
 *
 * const dataset = await openDataset("./eeg");
 * await writeDataset("./eeg-late", dataset.query("epoch", "rt_ms > 400"), {
 *   catalog: "./study/catalog.db",
 * });
 * ```
 */
export function writeDataset(
  path: string,
  source: AxisAnnotatedTensor | TensorStream | ReadableView,
  options: WriteDatasetOptions = {},
): Promise<Manifest> {
  const { catalog, ...rest } = options;
  return recordWrite(
    catalog,
    () => ({
      transform: "writeDataset",
      params: runParams(rest),
      inputs: inputsOf(source),
      output: path,
    }),
    () =>
      isS3Location(path)
        ? writeDatasetToS3(path, source, rest)
        : writeDatasetIn(path, source, rest),
  );
}
