/** Output shared by the methods: the instance table keyed by the view's ids, component tensors. */

import type { Kernels } from "@tt/linalg";
import {
  type AnyColumn,
  type AxisAnnotatedTensor,
  type AxisIndex,
  columnFromCells,
  columnFromValues,
  createTensor,
  INSTANCE_ID,
  type JsonObject,
  MetaTable,
  type ReadableView,
} from "@tt/schema";
import type { Plan } from "./plan.js";
import type { MatrixSource, StatValues } from "./source.js";

/** The id column of an axis's table: the view's metadata column, else built from its ids. */
export function idColumn(view: ReadableView, axis: string): { name: string; column: AnyColumn } {
  const name = view.axisIndexColumns[axis] ?? `${axis}_id`;
  const meta = view.meta(axis);
  if (meta.has(name)) return { name, column: meta.column(name) };
  const ids: AxisIndex | undefined = view.ids(axis);
  const n = view.shape[view.axes.indexOf(axis)]!;
  if (ids === undefined)
    return {
      name: "position",
      column: columnFromValues(
        "int32",
        Int32Array.from({ length: n }, (_, i) => i),
      ),
    };
  if (ids instanceof BigInt64Array) return { name, column: columnFromValues("int64", ids) };
  if (ids instanceof Float64Array) return { name, column: columnFromValues("float64", ids) };
  if (ids instanceof Float32Array) return { name, column: columnFromValues("float32", ids) };
  if (ArrayBuffer.isView(ids))
    return { name, column: columnFromValues("int32", Int32Array.from(ids as ArrayLike<number>)) };
  const first = ids[0];
  if (typeof first === "string") return { name, column: columnFromCells("string", ids) };
  if (typeof first === "bigint") return { name, column: columnFromCells("int64", ids) };
  return { name, column: columnFromCells("float64", ids) };
}

/**
 * The instance table (`factorTables.instance`): `instance_id` (the view's ids of its first axis in
 * its order, or row numbers 0..n-1 when it has none), score_1..score_k and recon_error; dropped
 * instances get nulls.
 */
export function instanceTable(
  view: ReadableView,
  plan: Plan,
  usedRows: Int32Array,
  scores: Float64Array,
  k: number,
  reconError: Float64Array,
): MetaTable {
  const { column } = idColumn(view, plan.rowAxis);
  const n = plan.n;
  const valid = new Uint8Array(n);
  for (const row of usedRows) valid[row] = 1;
  const columns: Record<string, AnyColumn> = { [INSTANCE_ID]: column };
  for (let c = 0; c < k; c++) {
    const values = new Float64Array(n).fill(Number.NaN);
    usedRows.forEach((row, i) => {
      values[row] = scores[i * k + c]!;
    });
    columns[`score_${c + 1}`] = columnFromValues("float64", values, valid);
  }
  const error = new Float64Array(n).fill(Number.NaN);
  usedRows.forEach((row, i) => {
    error[row] = reconError[i]!;
  });
  columns.recon_error = columnFromValues("float64", error, valid);
  return MetaTable.fromColumns(columns);
}

/** The metadata and ids of a column axis restricted to the kept positions. */
function keptAxis(view: ReadableView, plan: Plan, axis: string) {
  const kept = plan.kept[axis]!;
  const meta = view.meta(axis).take(kept);
  const ids = view.ids(axis);
  const index =
    ids === undefined
      ? undefined
      : ArrayBuffer.isView(ids)
        ? (ids as Float64Array).constructor === BigInt64Array
          ? BigInt64Array.from(kept, (i) => (ids as BigInt64Array)[i]!)
          : Float64Array.from(kept, (i) => Number((ids as Float64Array)[i]))
        : Array.from(kept, (i) => (ids as readonly (string | number | bigint)[])[i]!);
  return { meta, index };
}

/** Component vectors reshaped to component × (column axes), with those axes' metadata. */
export function componentsTensor(
  view: ReadableView,
  plan: Plan,
  components: Float64Array,
  k: number,
  table: MetaTable,
): AxisAnnotatedTensor {
  const axisMeta: Record<string, MetaTable> = { component: table };
  const axisIndex: Record<string, AxisIndex> = {
    component: Int32Array.from({ length: k }, (_, i) => i + 1),
  };
  for (const axis of plan.columnAxes) {
    const { meta, index } = keptAxis(view, plan, axis);
    axisMeta[axis] = meta;
    if (index !== undefined) axisIndex[axis] = index;
  }
  return createTensor({
    data: components,
    shape: [k, ...plan.columnShape],
    axes: ["component", ...plan.columnAxes],
    axisMeta,
    axisIndex,
  });
}

/** A centering or scaling statistic as a tensor over the axes it keeps. */
export function statisticTensor(
  view: ReadableView,
  plan: Plan,
  stat: StatValues,
  usedRows: Int32Array,
): AxisAnnotatedTensor {
  const { layout } = stat;
  const axisMeta: Record<string, MetaTable> = {};
  const axisIndex: Record<string, AxisIndex> = {};
  for (const axis of layout.keptAxes) {
    if (axis === plan.rowAxis) continue;
    const { meta, index } = keptAxis(view, plan, axis);
    axisMeta[axis] = meta;
    if (index !== undefined) axisIndex[axis] = index;
  }
  if (!layout.perRow)
    return createTensor({
      data: Float64Array.from(stat.values),
      shape: layout.keptShape,
      axes: layout.keptAxes,
      axisMeta,
      axisIndex,
    });
  // Per-instance statistics cover every instance of the view; dropped ones are NaN.
  const values = new Float64Array(plan.n * layout.cells).fill(Number.NaN);
  usedRows.forEach((row, i) => {
    values.set(stat.values.subarray(i * layout.cells, (i + 1) * layout.cells), row * layout.cells);
  });
  const { name, column } = idColumn(view, plan.rowAxis);
  axisMeta[plan.rowAxis] = MetaTable.fromColumns({ [name]: column });
  return createTensor({
    data: values,
    shape: [plan.n, ...layout.keptShape.slice(1)],
    axes: layout.keptAxes,
    axisMeta,
    axisIndex,
  });
}

/**
 * The centering and scaling a source applied, as `center` and `scale` tensors over the axes they
 * keep (each only when configured), to add to a method's component tensors.
 */
export function preprocessingTensors(
  view: ReadableView,
  plan: Plan,
  source: MatrixSource,
): { center?: AxisAnnotatedTensor; scale?: AxisAnnotatedTensor } {
  const out: { center?: AxisAnnotatedTensor; scale?: AxisAnnotatedTensor } = {};
  if (source.center !== undefined)
    out.center = statisticTensor(view, plan, source.center, source.usedRows);
  if (source.scale !== undefined)
    out.scale = statisticTensor(view, plan, source.scale, source.usedRows);
  return out;
}

/**
 * The diagnostics every fit on a source reports about how it read the data: the unfolding, the
 * instances used and dropped, memory or streaming (block rows), the passes over the data and the
 * kernels that ran.
 *
 * @example
 * ```ts
 * const diagnostics = { rank: 3, ...readDiagnostics(plan, source, memory.blockRows, kernels) };
 * ```
 */
export function readDiagnostics(
  plan: Plan,
  source: MatrixSource,
  blockRows: number,
  kernels: Pick<Kernels, "backend" | "threads">,
): JsonObject {
  return {
    unfolding: {
      rows: [plan.rowAxis],
      columns: plan.columnAxes,
      column_shape: plan.columnShape,
      order: "C",
    },
    n_instances: plan.n,
    n_used: source.n,
    n_dropped: plan.n - source.n,
    in_memory: source.inMemory,
    block_rows: source.inMemory ? null : blockRows,
    passes: source.passes,
    kernels: { backend: kernels.backend, threads: kernels.threads },
  };
}
