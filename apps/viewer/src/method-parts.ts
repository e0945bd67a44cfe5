/**
 * The parts of a result that only some methods write, read generically from its tables and
 * tensors: the per-instance columns the scatter plots (`score_k`, else ICA's `power_k`), the
 * per-axis weight columns (ICA's `mixing_k`, Tucker's `factor_k`), one instance's time course in
 * a component × instance × samples tensor (ICA's activations) and a core tensor's slices (Tucker).
 * Pure, so it runs in Node tests.
 */

import type { AxisAnnotatedTensor, MetaTable } from "tensortools/browser";

/** The per-instance columns the scatter plots, and what they are. */
export interface PlotColumns {
  /** `score` (SVD, PCA, CP, Tucker, NMF) or `power` (ICA: mean square activation). */
  readonly kind: "score" | "power";
  /** The column names, component 1 first. */
  readonly names: readonly string[];
}

/** The columns `<stem>_1`, `<stem>_2`, ... among `names`, in component order. */
export function numberedColumns(names: readonly string[], stem: string): string[] {
  const pattern = new RegExp(`^${stem}_(\\d+)$`);
  return names
    .filter((name) => pattern.test(name))
    .sort((a, b) => Number(pattern.exec(a)![1]) - Number(pattern.exec(b)![1]));
}

/**
 * The scatter's columns of an instance table: `score_k` when it has them, else `power_k`;
 * `undefined` when it has neither.
 *
 * @example
 * ```ts
 * plotColumnsOf(["instance_id", "power_2", "power_1"]); // { kind: "power", names: ["power_1", "power_2"] }
 * ```
 */
export function plotColumnsOf(names: readonly string[]): PlotColumns | undefined {
  for (const kind of ["score", "power"] as const) {
    const found = numberedColumns(names, kind);
    if (found.length > 0) return { kind, names: found };
  }
  return undefined;
}

/** One axis's weights per component: the element ids and a value array per component. */
export interface AxisWeights {
  /** The axis (the factor table's name). */
  readonly axis: string;
  /** The id of each element, as text. */
  readonly ids: readonly string[];
  /** The weight columns, component 1 first. */
  readonly columns: readonly string[];
  /** Per column, one value per element. */
  readonly values: readonly Float64Array[];
}

/**
 * The `<stem>_k` columns of every factor table but `skip` (the instance and component tables),
 * each with its id column (the first column that is not a weight): ICA's channel maps with
 * `mixing`, Tucker's per-axis factors with `factor`.
 */
export function axisWeights(
  tables: Readonly<Record<string, MetaTable>>,
  stem: string,
  skip: readonly string[] = ["instance", "component"],
): AxisWeights[] {
  const found: AxisWeights[] = [];
  for (const [axis, table] of Object.entries(tables)) {
    if (skip.includes(axis)) continue;
    const columns = numberedColumns(table.columnNames, stem);
    if (columns.length === 0) continue;
    const idColumn = table.columnNames.find((name) => !/_\d+$/.test(name));
    const ids = Array.from({ length: table.numRows }, (_, row) =>
      idColumn === undefined ? String(row) : String(table.get(row, idColumn)),
    );
    const values = columns.map((name) =>
      Float64Array.from({ length: table.numRows }, (_, row) => Number(table.get(row, name))),
    );
    found.push({ axis, ids, columns, values });
  }
  return found;
}

/**
 * The time course of the instance with `id` in `component` (0-based) of a tensor shaped
 * component × instance × samples... (the samples flattened, C order); `undefined` when the
 * tensor's instance axis does not hold that id.
 */
export function instanceCourse(
  tensor: AxisAnnotatedTensor,
  component: number,
  id: string | number | bigint,
): Float64Array | undefined {
  if (tensor.axes.length < 2 || tensor.axes[0] !== "component")
    throw new Error(
      `a time course needs a component × instance × samples tensor, got ${tensor.axes.join(" × ")}`,
    );
  const ids = tensor.axisIndex[tensor.axes[1]!];
  if (ids === undefined) return undefined;
  const position = Array.from(ids as ArrayLike<unknown>).findIndex((v) => String(v) === String(id));
  if (position < 0 || component < 0 || component >= tensor.shape[0]!) return undefined;
  const perInstance = tensor.shape.slice(2).reduce((a, b) => a * b, 1);
  const start = (component * tensor.shape[1]! + position) * perInstance;
  return Float64Array.from({ length: perInstance }, (_, t) => Number(tensor.data[start + t]));
}

/** One slice of a core tensor: its first-axis position, as rows × columns of values. */
export interface CoreSlice {
  /** The slice's label, e.g. `instance_factor 1`. */
  readonly label: string;
  /** The rows' labels (the second axis), e.g. `sample_factor 1`. */
  readonly rowLabels: readonly string[];
  /** The columns' labels (the remaining axes, C order), e.g. `channel_factor 2`. */
  readonly columnLabels: readonly string[];
  /** The values, row by row. */
  readonly values: readonly Float64Array[];
}

/** Labels `<axis> 1..n` for each combination of `axes`, C order. */
function combinedLabels(axes: readonly string[], shape: readonly number[]): string[] {
  let labels = [""];
  axes.forEach((axis, d) => {
    labels = labels.flatMap((prefix) =>
      Array.from(
        { length: shape[d]! },
        (_, i) => `${prefix}${prefix ? " · " : ""}${axis} ${i + 1}`,
      ),
    );
  });
  return labels;
}

/**
 * A core tensor as slices along its first axis, each a matrix of its second axis by the rest
 * (a one- or two-axis core gives one slice).
 *
 * @example
 * ```ts
 * coreSlices(createTensor({ data: Float64Array.of(1, 2, 3, 4), shape: [2, 2], axes: ["a", "b"] }))[0]!.values;
 * // [Float64Array [1, 2], Float64Array [3, 4]]
 * ```
 */
export function coreSlices(core: AxisAnnotatedTensor): CoreSlice[] {
  const shape = core.shape.length >= 3 ? core.shape : [1, ...core.shape, 1].slice(0, 3);
  const axes = core.shape.length >= 3 ? core.axes : ["", ...core.axes];
  const rows = shape[1]!;
  const columns = shape.slice(2).reduce((a, b) => a * b, 1);
  const rowLabels = combinedLabels([axes[1]!], [rows]);
  const columnLabels = axes.length > 2 ? combinedLabels(axes.slice(2), shape.slice(2)) : ["value"];
  return Array.from({ length: shape[0]! }, (_, s) => ({
    label: axes[0] ? `${axes[0]} ${s + 1}` : "core",
    rowLabels,
    columnLabels,
    values: Array.from({ length: rows }, (_, r) =>
      Float64Array.from({ length: columns }, (_, c) =>
        Number(core.data[(s * rows + r) * columns + c]),
      ),
    ),
  }));
}
