/**
 * One instance as curves: its data read from the dataset over HTTP (that instance only) and its
 * reconstruction from the result's scores, components, center, scale and weights.
 */

import type { AxisAnnotatedTensor, JsonValue } from "tensortools/browser";
import {
  broadcast,
  type FeatureGrid,
  featureCount,
  type ReconstructionParts,
  reconstruct,
  weightsOnGrid,
} from "./reconstruction.js";
import type { ViewerSession } from "./session.js";
import { panelCurves } from "./waveform-layout.js";
import type { WaveformPlan } from "./waveform-plan.js";

/** The curves of one instance, one per panel, on the plan's x values. */
export interface InstanceCurves {
  /** The instance's data. */
  readonly original: Float64Array[];
  /** Its reconstruction from the scores, or `undefined` when a score is missing. */
  readonly reconstruction: Float64Array[] | undefined;
}

/** The values of a one-instance tensor at the grid's features, C order on the grid. */
export function valuesOnGrid(
  tensor: AxisAnnotatedTensor,
  grid: FeatureGrid,
  positions: readonly Int32Array[],
): Float64Array {
  const strides = new Map<string, number>();
  let stride = 1;
  for (let d = tensor.axes.length - 1; d >= 1; d--) {
    strides.set(tensor.axes[d]!, stride);
    stride *= tensor.shape[d]!;
  }
  const gridStrides = grid.axes.map((axis) => strides.get(axis) ?? 0);
  const values = new Float64Array(featureCount(grid));
  const index = new Array<number>(grid.axes.length).fill(0);
  for (let feature = 0; feature < values.length; feature++) {
    let offset = 0;
    for (let d = 0; d < index.length; d++) offset += positions[d]![index[d]!]! * gridStrides[d]!;
    values[feature] = Number(tensor.data[offset]);
    for (let d = index.length - 1; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < grid.shape[d]!) break;
      index[d] = 0;
    }
  }
  return values;
}

/** The row of the instance with `id` in a statistic kept per instance (ids in its metadata). */
function statisticRow(tensor: AxisAnnotatedTensor, axis: string, id: unknown): number {
  const ids =
    tensor.axisIndex[axis] ??
    tensor.axisMeta[axis]?.column(tensor.axisMeta[axis]!.columnNames[0]!).values;
  const row = ids === undefined ? -1 : Array.prototype.indexOf.call(ids, id);
  if (row < 0)
    throw new Error(`the result's per-instance statistics have no row for ${String(id)}`);
  return row;
}

/** The center, scale and weights the fit applied, on the grid, for the instance with `id`. */
function reconstructionParts(session: ViewerSession, plan: WaveformPlan, id: unknown) {
  const parts: { center?: Float64Array; scale?: Float64Array; weights?: Float64Array } = {};
  for (const name of ["center", "scale"] as const) {
    const tensor = session.result.componentTensors[name];
    if (tensor === undefined) continue;
    const axis = session.instanceAxis;
    const instance = tensor.axes.includes(axis)
      ? { axis, row: statisticRow(tensor, axis, id) }
      : undefined;
    parts[name] = broadcast(tensor, plan.grid, instance);
  }
  const weights = session.result.config.weights;
  if (isWeightLists(weights)) {
    const found = weightsOnGrid(weights, plan.grid, (axis) => {
      return plan.positions[plan.grid.axes.indexOf(axis)]!;
    });
    if (found !== undefined) parts.weights = found;
  }
  return parts as ReconstructionParts;
}

/** Whether a config value is an object of axis -> list of numbers. */
function isWeightLists(value: JsonValue | undefined): value is Record<string, number[]> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (list) => Array.isArray(list) && list.every((w) => typeof w === "number"),
  );
}

/**
 * Reads the instance at `row` of the session's table from the dataset (only that instance, by
 * id) and rebuilds it from its scores; both are laid out as the plan's panels.
 */
export async function instanceCurves(
  session: ViewerSession,
  plan: WaveformPlan,
  row: number,
): Promise<InstanceCurves> {
  const id = session.table.get(row, session.idColumn);
  const tensor = await session.dataset.filter(session.instanceAxis, [id as string]).materialize();
  const original = panelCurves(
    valuesOnGrid(tensor, plan.grid, plan.positions),
    plan.grid,
    plan.layout,
  );
  const scores = session.scoreColumns.map((name) => {
    const score = session.table.get(row, name);
    return typeof score === "number" ? score : Number.NaN;
  });
  if (scores.length !== plan.components.shape[0] || scores.some((s) => !Number.isFinite(s)))
    return { original, reconstruction: undefined };
  const values = reconstruct(plan.components, scores, reconstructionParts(session, plan, id));
  return { original, reconstruction: panelCurves(values, plan.grid, plan.layout) };
}
