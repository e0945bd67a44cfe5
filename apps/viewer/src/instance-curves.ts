/**
 * One instance as curves: its data read from the dataset over HTTP (that instance only) and its
 * reconstruction from the result's scores, components, center, scale and weights.
 */

import {
  type AxisAnnotatedTensor,
  type DecompositionResult,
  type FeatureGrid,
  featureCount,
  reconstruct,
  reconstructionParts,
} from "tensortools/browser";
import { readInstance } from "./instance-read.js";
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

/**
 * What undoes the fit's center, scale and weights for the instance with `id` of `instanceAxis`,
 * on the plan's grid; the weights are looked up at the dataset positions the plan found for it.
 */
export function instanceParts(
  result: DecompositionResult,
  instanceAxis: string,
  plan: WaveformPlan,
  id: string | number | bigint,
) {
  return reconstructionParts(result, id, {
    instanceAxis,
    weightPositions: (axis) => plan.positions[plan.grid.axes.indexOf(axis)]!,
  });
}

/**
 * Reads the instance at `row` of the session's table from the dataset (only that instance, by
 * id; through the result's delayed operations when its input had some) and rebuilds it from its
 * scores; both are laid out as the plan's panels.
 */
export async function instanceCurves(
  session: ViewerSession,
  plan: WaveformPlan,
  row: number,
): Promise<InstanceCurves> {
  const id = session.table.get(row, session.idColumn);
  const tensor = await readInstance(
    session.dataset,
    session.input,
    session.instanceAxis,
    id as string,
  );
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
  const parts = instanceParts(session.result, session.instanceAxis, plan, id as string);
  const values = reconstruct(plan.components, scores, parts);
  return { original, reconstruction: panelCurves(values, plan.grid, plan.layout) };
}
