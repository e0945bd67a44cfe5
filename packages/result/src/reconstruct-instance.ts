/**
 * One instance of a result rebuilt from its scores: the components, the center and scale the fit
 * kept (per feature, or per instance) and the weights of its config, on the components' grid.
 */

import {
  type AnyColumn,
  type AxisAnnotatedTensor,
  DataError,
  type DecompositionResult,
  INSTANCE_ID,
  INSTANCE_TABLE,
  isNullAt,
  isTensorToolsError,
  type JsonValue,
  NotFoundError,
  UnsupportedError,
} from "@tt/schema";
import { broadcast, type FeatureGrid, gridOf, weightsOnGrid } from "./feature-grid.js";
import { instanceTableOf } from "./instance-table.js";
import { type ReconstructionParts, reconstruct } from "./reconstruct.js";

/** Options of {@link reconstructInstance} and {@link reconstructionParts}. */
export interface ReconstructOptions {
  /**
   * The input's instance axis, along which center and scale tensors kept per instance are
   * indexed; `result.instance.axis` by default. The scores come from `factorTables.instance`.
   */
  instanceAxis?: string;
  /**
   * For each weighted feature axis, the position in its weight list (`config.weights[axis]`) of
   * each element of the components' grid along it. By default the positions `sample_mask` kept
   * on its axis, and all of them, in order, on the others (the grid of a fit spans them).
   */
  weightPositions?: (axis: string) => ArrayLike<number>;
}

/** An instance rebuilt on the components' feature grid. */
export interface Reconstruction extends FeatureGrid {
  /** The values in C order on the grid (last axis fastest), in the units of the data. */
  readonly data: Float64Array;
}

type Id = string | number | bigint;

/** An id as a comparable key: integers compare by value whether number or bigint. */
function idKey(id: unknown): string {
  if (typeof id === "bigint" || (typeof id === "number" && Number.isInteger(id))) return `i${id}`;
  return `${typeof id}:${String(id)}`;
}

/** The row of `id` in an id column or index, or -1. */
function rowOf(ids: ArrayLike<unknown>, id: Id, column?: AnyColumn): number {
  const key = idKey(id);
  for (let row = 0; row < ids.length; row++)
    if ((column === undefined || !isNullAt(column, row)) && idKey(ids[row]) === key) return row;
  return -1;
}

/** The components tensor of a result, or why it cannot be rebuilt. */
function componentsOf(result: DecompositionResult): AxisAnnotatedTensor {
  const components = result.componentTensors.components;
  if (components === undefined)
    throw new UnsupportedError(
      "reconstruction",
      `the ${result.method} result has no 'components' tensor to rebuild instances from (it has ${Object.keys(result.componentTensors).join(", ") || "none"})`,
    );
  return components;
}

/** The instance axis (of per-instance statistics): the option, else the result's `instance`. */
function instanceAxisOf(result: DecompositionResult, options: ReconstructOptions): string {
  return options.instanceAxis ?? result.instance?.axis ?? INSTANCE_TABLE;
}

/** The row of `id` along the instance axis of a per-instance statistic. */
function statisticRow(tensor: AxisAnnotatedTensor, name: string, axis: string, id: Id): number {
  const meta = tensor.axisMeta[axis];
  const column = meta === undefined ? undefined : meta.column(meta.columnNames[0]!);
  const ids = tensor.axisIndex[axis] ?? column?.values;
  const row = ids === undefined ? -1 : rowOf(ids as ArrayLike<unknown>, id, column);
  if (row < 0)
    throw new NotFoundError(
      `instance ${String(id)}`,
      `component tensor '${name}' keeps one value per instance but has none for ${String(id)}`,
    );
  return row;
}

/** The weight lists of a config, `undefined` without weights. */
function weightLists(config: DecompositionResult["config"]): Record<string, number[]> | undefined {
  const weights: JsonValue | undefined = config.weights;
  if (weights === undefined || weights === null) return undefined;
  const valid =
    typeof weights === "object" &&
    !Array.isArray(weights) &&
    Object.values(weights).every(
      (list) => Array.isArray(list) && list.every((w) => typeof w === "number"),
    );
  if (!valid) throw new DataError("config 'weights'", "must map axis names to lists of numbers");
  return weights as Record<string, number[]>;
}

/** The default positions: those `sample_mask` kept on its axis, every one on the others. */
function keptPositions(config: DecompositionResult["config"], axis: string, length: number) {
  const mask = config.sample_mask as Record<string, JsonValue> | null | undefined;
  if (mask === null || mask === undefined || mask.axis !== axis)
    return Int32Array.from({ length }, (_, i) => i);
  if (Array.isArray(mask.indices)) return Int32Array.from(mask.indices as number[]);
  if (Array.isArray(mask.mask))
    return Int32Array.from((mask.mask as boolean[]).flatMap((keep, i) => (keep ? [i] : [])));
  const start = mask.start as number;
  return Int32Array.from({ length: (mask.stop as number) - start }, (_, i) => start + i);
}

/** The product of the config's weights on the grid, checked against the lists' lengths. */
function gridWeights(
  result: DecompositionResult,
  grid: FeatureGrid,
  options: ReconstructOptions,
): Float64Array | undefined {
  const weights = weightLists(result.config);
  if (weights === undefined) return undefined;
  const positions = (axis: string) => {
    const length = grid.shape[grid.axes.indexOf(axis)]!;
    const at = options.weightPositions?.(axis) ?? keptPositions(result.config, axis, length);
    const list = weights[axis]!;
    const outside = Array.prototype.findIndex.call(at, (p: number) => !(p < list.length));
    if (at.length !== length || outside >= 0)
      throw new DataError(
        `config 'weights.${axis}'`,
        `has ${list.length} entries, which do not cover the ${length} elements of the components' axis '${axis}'`,
      );
    return at;
  };
  return weightsOnGrid(weights, grid, positions);
}

/**
 * What undoes the preprocessing of a result's fit for the instance with `id`, on the components'
 * grid: the center and scale tensors broadcast over the grid (the instance's own slice of those
 * kept per instance) and the product of the config's `weights`. A statistic that does not fit
 * the components is a DataError naming the tensor.
 *
 * @example
 * ```ts
 * const parts = reconstructionParts(result, "ep03");
 * const values = reconstruct(result.componentTensors.components, [1.5, -0.2], parts);
 * ```
 */
export function reconstructionParts(
  result: DecompositionResult,
  id: Id,
  options: ReconstructOptions = {},
): ReconstructionParts {
  const grid = gridOf(componentsOf(result));
  const axis = instanceAxisOf(result, options);
  const parts: { center?: Float64Array; scale?: Float64Array; weights?: Float64Array } = {};
  for (const name of ["center", "scale"] as const) {
    const tensor = result.componentTensors[name];
    if (tensor === undefined) continue;
    const instance = tensor.axes.includes(axis)
      ? { axis, row: statisticRow(tensor, name, axis, id) }
      : undefined;
    try {
      parts[name] = broadcast(tensor, grid, instance);
    } catch (error) {
      if (!isTensorToolsError(error, "argument")) throw error;
      throw new DataError(`component tensor '${name}'`, error.message.replace(/^broadcast: /, ""), {
        cause: error,
      });
    }
  }
  const weights = gridWeights(result, grid, options);
  if (weights !== undefined) parts.weights = weights;
  return parts;
}

/** The scores of the instance with `id`: `score_1..score_k` of its row of the instance table. */
function instanceScores(result: DecompositionResult, id: Id, rank: number) {
  const table = instanceTableOf(result);
  const ids = table.column(INSTANCE_ID);
  const row = rowOf(ids.values as ArrayLike<unknown>, id, ids);
  if (row < 0)
    throw new NotFoundError(
      `instance ${String(id)}`,
      `instance ${String(id)} is not in the result's '${INSTANCE_TABLE}' table (${table.numRows} instances)`,
    );
  const axis = INSTANCE_TABLE;
  return Array.from({ length: rank }, (_, k) => {
    const name = `score_${k + 1}`;
    if (!table.has(name))
      throw new DataError(
        `factor table '${axis}'`,
        `has no column '${name}' for component ${k + 1}`,
      );
    const column = table.column(name);
    if (isNullAt(column, row))
      throw new DataError(
        `instance ${String(id)}`,
        "has no scores: the fit left it out (missing values), so it has no reconstruction",
      );
    return Number(column.values[row]);
  });
}

/**
 * The instance with `id` rebuilt from a result: `center + (Σ_k score_k · component_k) · scale /
 * weights` on the components' feature grid, in the units of the data. At full rank this is the
 * instance itself (on the features the fit used); at a lower rank, its best approximation.
 * Errors: no `components` tensor (UnsupportedError), an id not in the instance table
 * (NotFoundError), an instance the fit left out (DataError).
 *
 * @example
 * ```ts
 * const result = await openResult("./eeg-pca");
 * const { axes, shape, data } = reconstructInstance(result, "ep03"); // ["time", "channel"], [384, 32]
 * ```
 */
export function reconstructInstance(
  result: DecompositionResult,
  id: Id,
  options: ReconstructOptions = {},
): Reconstruction {
  const components = componentsOf(result);
  const scores = instanceScores(result, id, components.shape[0]!);
  const data = reconstruct(components, scores, reconstructionParts(result, id, options));
  return { ...gridOf(components), data };
}
