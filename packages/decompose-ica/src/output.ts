/** The output of an ICA fit: the instance, channel and component tables and the component tensors. */

import { idColumn, type MatrixSource, preprocessingTensors } from "@tt/decompose-core";
import {
  type AnyColumn,
  type AxisAnnotatedTensor,
  type AxisIndex,
  columnFromValues,
  createTensor,
  INSTANCE_ID,
  INSTANCE_TABLE,
  MetaTable,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import type { IcaModel } from "./finish.js";
import type { IcaPlan } from "./plan.js";

const componentIds = (r: number) => Int32Array.from({ length: r }, (_, k) => k + 1);

/**
 * Per instance, the mean square of each component's activations over its samples (power_k);
 * instances left out by `missing: "drop"` get nulls.
 */
function instanceTable(
  view: ReadableView,
  ica: IcaPlan,
  model: IcaModel,
  usedRows: Int32Array,
): MetaTable {
  const { column } = idColumn(view, ica.plan.rowAxis);
  const r = model.rank;
  const T = ica.perInstance;
  const valid = new Uint8Array(ica.plan.n);
  for (const row of usedRows) valid[row] = 1;
  const columns: Record<string, AnyColumn> = { [INSTANCE_ID]: column };
  for (let k = 0; k < r; k++) {
    const power = new Float64Array(ica.plan.n).fill(Number.NaN);
    usedRows.forEach((row, used) => {
      let sum = 0;
      for (let i = used * T; i < (used + 1) * T; i++) sum += model.activations[i * r + k]! ** 2;
      power[row] = sum / T;
    });
    columns[`power_${k + 1}`] = columnFromValues("float64", power, valid);
  }
  return MetaTable.fromColumns(columns);
}

/** The channel table: the channel ids, mixing_k (column k of A) and unmixing_k (row k of U). */
function channelTable(view: ReadableView, ica: IcaPlan, model: IcaModel): MetaTable {
  const { name, column } = idColumn(view, ica.channelAxis);
  const r = model.rank;
  const C = model.channels;
  const columns: Record<string, AnyColumn> = { [name]: column };
  for (let k = 0; k < r; k++)
    columns[`mixing_${k + 1}`] = columnFromValues(
      "float64",
      Float64Array.from({ length: C }, (_, c) => model.mixing[c * r + k]!),
    );
  for (let k = 0; k < r; k++)
    columns[`unmixing_${k + 1}`] = columnFromValues(
      "float64",
      model.unmixing.slice(k * C, (k + 1) * C),
    );
  return MetaTable.fromColumns(columns);
}

/** The component table: explained variance (and ratio) of each back-projection, and kurtosis. */
function componentTable(model: IcaModel): MetaTable {
  return MetaTable.fromColumns({
    component: columnFromValues("int32", componentIds(model.rank)),
    explained_variance: columnFromValues("float64", model.explainedVariance),
    explained_variance_ratio: columnFromValues("float64", model.explainedVarianceRatio),
    kurtosis: columnFromValues("float64", model.kurtosis),
  });
}

/** An axis's metadata and ids as a tensor keeps them. */
function axisParts(
  view: ReadableView,
  axis: string,
  meta: Record<string, MetaTable>,
  index: Record<string, AxisIndex>,
) {
  meta[axis] = view.meta(axis);
  const ids = view.ids(axis);
  if (ids !== undefined) index[axis] = ids;
}

/**
 * component × instance × samples...: the activations, keyed by the instance ids (NaN for the
 * instances left out by `missing: "drop"`).
 */
function activationsTensor(
  view: ReadableView,
  ica: IcaPlan,
  model: IcaModel,
  usedRows: Int32Array,
): AxisAnnotatedTensor {
  const r = model.rank;
  const T = ica.perInstance;
  const N = ica.plan.n * T;
  const data = new Float64Array(r * N).fill(Number.NaN);
  usedRows.forEach((row, used) => {
    for (let t = 0; t < T; t++)
      for (let k = 0; k < r; k++)
        data[k * N + row * T + t] = model.activations[(used * T + t) * r + k]!;
  });
  const axisMeta: Record<string, MetaTable> = {};
  const axisIndex: Record<string, AxisIndex> = { component: componentIds(r) };
  for (const axis of [ica.plan.rowAxis, ...ica.sampleAxes])
    axisParts(view, axis, axisMeta, axisIndex);
  return createTensor({
    data,
    shape: [r, ica.plan.n, ...ica.sampleAxes.map((a) => view.shape[view.axes.indexOf(a)]!)],
    axes: ["component", ica.plan.rowAxis, ...ica.sampleAxes],
    axisMeta,
    axisIndex,
  });
}

/** A component × channel or channel × component matrix as a tensor with the channels' metadata. */
function channelTensor(
  view: ReadableView,
  ica: IcaPlan,
  data: Float64Array,
  r: number,
  componentFirst: boolean,
) {
  const axisMeta: Record<string, MetaTable> = {};
  const axisIndex: Record<string, AxisIndex> = { component: componentIds(r) };
  axisParts(view, ica.channelAxis, axisMeta, axisIndex);
  const C = ica.channels;
  return createTensor({
    data,
    shape: componentFirst ? [r, C] : [C, r],
    axes: componentFirst ? ["component", ica.channelAxis] : [ica.channelAxis, "component"],
    axisMeta,
    axisIndex,
  });
}

/** The tables and tensors of a fit (diagnostics added by the caller). */
export function icaOutput(
  view: ReadableView,
  ica: IcaPlan,
  source: MatrixSource,
  model: IcaModel,
): Omit<MethodOutput, "diagnostics"> {
  return {
    factorTables: {
      [INSTANCE_TABLE]: instanceTable(view, ica, model, source.usedRows),
      [ica.channelAxis]: channelTable(view, ica, model),
      component: componentTable(model),
    },
    componentTensors: {
      activations: activationsTensor(view, ica, model, source.usedRows),
      mixing: channelTensor(view, ica, model.mixing, model.rank, false),
      unmixing: channelTensor(view, ica, model.unmixing, model.rank, true),
      ...preprocessingTensors(view, ica.plan, source),
    },
  };
}
