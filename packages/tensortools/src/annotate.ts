/** Annotating a dataset bundle on Node: metadata columns from a table or a result, saved back by id. */

import { type AnnotateDatasetOptions, annotateDataset } from "@tt/bundle/fs";
import { instanceTableOf } from "@tt/result";
import {
  ConfigError,
  DataError,
  type DecompositionResult,
  INSTANCE_ID,
  isTensorToolsError,
  type Manifest,
  type MetaTable,
  type TensorDataset,
} from "@tt/schema";
import { type CatalogOptions, recordWrite } from "./catalog-runs.js";
import { createDefaultRegistry } from "./node-registry.js";
import { runParams } from "./run-params.js";

/**
 * Options of {@link annotate}: those of `annotateDataset` (`on`, `mode`, `columns`, `prefix`,
 * ...), and `catalog`.
 */
export interface AnnotateOptions extends AnnotateDatasetOptions, CatalogOptions {}

/**
 * The directory of `dataset`: the path itself, or where an opened dataset was read from; `done`
 * says what only a dataset in a directory can be (`annotated`) in the error for other datasets.
 */
export function directoryOf(dataset: string | TensorDataset, done = "annotated"): string {
  if (typeof dataset === "string") return dataset;
  const { location } = dataset;
  if (location === undefined || /^[a-z][a-z0-9+.-]*:\/\//i.test(location))
    throw new ConfigError(
      "dataset",
      `is ${location === undefined ? "held in memory" : `at ${location}`}; only a dataset in a directory can be ${done} (write it with writeDataset first)`,
    );
  return location;
}

/** Whether `source` is a decomposition result rather than a table. */
function isResult(source: MetaTable | DecompositionResult): source is DecompositionResult {
  return "factorTables" in source;
}

/** A result's instance ids that are not in the dataset, said as such rather than as a table's. */
function resultMismatch(error: unknown, axis: string, directory: string): unknown {
  if (!isTensorToolsError(error, "data") || !error.message.includes("not in the dataset"))
    return error;
  const detail = error.message.slice(error.where.length + 2);
  return new DataError(
    `the result's instance table column '${INSTANCE_ID}'`,
    `${detail.replace("not in the dataset", `not ids of axis '${axis}' of ${directory}`)}; annotate the dataset the result was computed from`,
    { cause: error },
  );
}

/** What a run of {@link annotate} records of its source: a table's shape, or a result's method. */
function sourceParams(source: MetaTable | DecompositionResult) {
  if (!isResult(source)) return runParams({ table: source }).table!;
  const { dataset, selectors } = source.inputRef;
  return runParams({
    result: { method: source.method, config: source.config },
    dataset: dataset?.location,
    selectors,
  });
}

/** Annotates the dataset in `directory` from `source` (see {@link annotate}). */
async function annotateDirectory(
  directory: string,
  axis: string,
  source: MetaTable | DecompositionResult,
  options: AnnotateDatasetOptions,
): Promise<Manifest> {
  const withRegistry = { ...options, registry: options.registry ?? createDefaultRegistry() };
  if (!isResult(source)) return annotateDataset(directory, axis, source, withRegistry);
  const table = instanceTableOf(source);
  try {
    return await annotateDataset(directory, axis, table, { ...withRegistry, on: INSTANCE_ID });
  } catch (error) {
    throw resultMismatch(error, axis, directory);
  }
}

/**
 * Adds (or, with `mode: "replace"`, replaces) metadata columns of `axis` in the dataset bundle at
 * `dataset` (a directory path, or a dataset opened from one), matched by id, as its next version;
 * the arrays are not rewritten. `source` is a table whose `on` column holds ids of the axis, or a
 * decomposition result: its instance table, matched on `instance_id`, gives every column but the
 * ids (scores, cluster labels, outlier scores). Elements the source does not name get nulls (or
 * keep their values when replaced); ids the dataset does not have are a DataError. With a
 * catalog (`options.catalog`, or `TT_CATALOG`), the annotation is recorded as a run `annotate`:
 * the axis, the source (a table's columns and rows, a result's method and config) and the
 * options as its parameters, the bundle as it was before as its input, the new version as its
 * output.
 *
 * @example
 * ```ts
 * import { annotate, decompose, openDataset } from "tensortools";
 *
 * const dataset = await openDataset("./eeg");
 * const result = await decompose(dataset.query("epoch", "rt_ms > 400"), "pca", { rank: 3 });
 * await annotate("./eeg", "epoch", result, { prefix: "pca_" });
 * (await openDataset("./eeg")).query("epoch", "pca_score_1 > 0").ids("epoch");
 * ```
 */
export async function annotate(
  dataset: string | TensorDataset,
  axis: string,
  source: MetaTable | DecompositionResult,
  options: AnnotateOptions = {},
): Promise<Manifest> {
  const directory = directoryOf(dataset);
  const { catalog, ...rest } = options;
  return recordWrite(
    catalog,
    () => ({
      transform: "annotate",
      params: { axis, source: sourceParams(source), ...runParams(rest) },
      inputs: [{ location: directory }],
      output: directory,
    }),
    () => annotateDirectory(directory, axis, source, rest),
  );
}
