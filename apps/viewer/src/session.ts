/**
 * What the page browses: a dataset and a result (opened over HTTP, or at hand: a tensor in memory
 * and its decomposition), the result's scores joined onto the instance metadata, restricted to
 * the instances the result covers.
 */

import {
  type AnyColumn,
  type AxisAnnotatedTensor,
  createDefaultRegistry,
  type DecompositionResult,
  datasetFromTensor,
  INSTANCE_ID,
  instanceTableOf,
  isTensorToolsError,
  joinResult,
  type MetaTable,
  openDataset,
  openResult,
  type TensorDataset,
  type TensorView,
} from "tensortools/browser";
import { bundleStore } from "./chunk-cache-store.js";
import { hdf5WorkerStore } from "./hdf5-worker-store.js";
import { transformedInput } from "./instance-read.js";
import { plotColumnsOf } from "./method-parts.js";

/** An opened dataset and result, joined, with what the page needs to find its way around. */
export interface ViewerSession {
  /** Where the dataset and the result were read from; undefined for data held in memory. */
  readonly datasetUrl: string | undefined;
  readonly resultUrl: string | undefined;
  /** The dataset as opened: instances are read from it one at a time. */
  readonly dataset: TensorDataset;
  /**
   * The result's input view replayed on the dataset when its selectors hold delayed operations
   * (a baseline, a scaling): instances are read through it, on the scale the result saw.
   */
  readonly input: TensorView | undefined;
  /** The result as opened. */
  readonly result: DecompositionResult;
  /** The first axis of the dataset, whose instances the result scores. */
  readonly instanceAxis: string;
  /** The id column of the instance axis. */
  readonly idColumn: string;
  /** The joined dataset restricted to the result's instances: what queries select from. */
  readonly view: TensorView;
  /** The metadata of those instances: dataset columns plus the result's (scores, errors). */
  readonly table: MetaTable;
  /**
   * The columns the scatter plots, component 1 first: `score_k`, or ICA's `power_k` (see
   * `scoreKind`).
   */
  readonly scoreColumns: readonly string[];
  /** What `scoreColumns` hold: scores (a reconstruction can be made from them) or ICA's power. */
  readonly scoreKind: "score" | "power";
  /** The prefix put before the result's columns (empty unless a name clashed). */
  readonly prefix: string;
  /** The components tensor (component first), if the result has one. */
  readonly components: AxisAnnotatedTensor | undefined;
}

/** The dataset joined with the result, with a `<method>_` prefix when a column name clashes. */
function joinWithPrefix(
  dataset: TensorDataset,
  result: DecompositionResult,
): { joined: TensorView; prefix: string } {
  try {
    return { joined: joinResult(dataset, result), prefix: "" };
  } catch (error) {
    if (!isTensorToolsError(error, "config") || error.field !== "prefix") throw error;
    const prefix = `${result.method}_`;
    return { joined: joinResult(dataset, result, { prefix }), prefix };
  }
}

/**
 * Opens the dataset and the result at these URLs (relative ones against the page), joins the
 * result's instance columns onto the metadata and keeps the instances the result covers. A dataset
 * linked to an HDF5 file is read by a web worker, by byte ranges (`hdf5-worker-store.ts`).
 */
export async function openSession(
  datasetUrl: string,
  resultUrl: string,
  opened: Promise<TensorDataset> | TensorDataset = openViewerDataset(datasetUrl),
): Promise<ViewerSession> {
  const [dataset, result] = await Promise.all([opened, openResult(resultUrl)]);
  return createSession(dataset, result, { datasetUrl, resultUrl });
}

/**
 * The dataset at `datasetUrl` as the viewer opens it (through the page's shared store, HDF5
 * files read in a worker), before and without its result.
 *
 * @example
 * ```ts
 * const dataset = await openViewerDataset("http://127.0.0.1:8080/dataset/");
 * ```
 */
export function openViewerDataset(datasetUrl: string): Promise<TensorDataset> {
  const registry = createDefaultRegistry().register(hdf5WorkerStore());
  return openDataset(bundleStore(datasetUrl), { registry });
}

/** Where the data of a session came from, for what the page says about it. */
export interface SessionSources {
  datasetUrl?: string;
  resultUrl?: string;
}

/**
 * The session of a dataset and a result at hand: a dataset or view's dataset as opened, or a
 * tensor held in memory (browsed as `datasetFromTensor(tensor)`, keyed by its first-axis ids, or
 * by row number when it has none) with its decomposition. Joins and restricts as `openSession`.
 */
export function createSession(
  input: TensorDataset | AxisAnnotatedTensor,
  result: DecompositionResult,
  sources: SessionSources = {},
): ViewerSession {
  const dataset = "dataset" in input ? input : datasetFromTensor(input);
  const { datasetUrl, resultUrl } = sources;
  const instanceAxis = dataset.axes[0]!;
  const idColumn = dataset.axisIndexColumns[instanceAxis];
  if (idColumn === undefined)
    throw new Error(
      `the dataset's axis '${instanceAxis}' has no id column, so the result cannot be joined to it`,
    );
  const factors = instanceTableOf(result);
  const { joined, prefix } = joinWithPrefix(dataset, result);
  const resultIds = factors.column(INSTANCE_ID) as AnyColumn;
  const view = joined.filter(instanceAxis, resultIds.values as readonly string[]);
  const plotted = plotColumnsOf(factors.columnNames);
  if (plotted === undefined)
    throw new Error(
      `the result's instance table has no score_1, score_2, ... or power_1, power_2, ... columns to plot (it has ${factors.columnNames.join(", ")})`,
    );
  return {
    datasetUrl,
    resultUrl,
    dataset,
    input: transformedInput(dataset, result.inputRef.selectors),
    result,
    instanceAxis,
    idColumn,
    view,
    table: view.meta(instanceAxis),
    scoreColumns: plotted.names.map((name) => prefix + name),
    scoreKind: plotted.kind,
    prefix,
    components: result.componentTensors.components,
  };
}

/** The values of a numeric column as numbers, null and non-numeric as NaN. */
export function numericValues(column: AnyColumn): Float64Array {
  const values = new Float64Array(column.values.length);
  for (let row = 0; row < values.length; row++) {
    const value = column.values[row];
    const valid = column.valid === undefined || column.valid[row] === 1;
    values[row] =
      valid && (typeof value === "number" || typeof value === "bigint")
        ? Number(value)
        : Number.NaN;
  }
  return values;
}
