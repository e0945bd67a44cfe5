/** The method output of a clustering: instance and cluster tables, centroids, diagnostics. */

import {
  type AnyColumn,
  type AxisIndex,
  columnFromCells,
  columnFromValues,
  createTensor,
  INSTANCE_ID,
  INSTANCE_TABLE,
  MetaTable,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import type { Clustering } from "./lloyd.js";

/** What the output records about the runs besides the best clustering. */
export interface RunSummary {
  /** The number of starts. */
  nInit: number;
  /** The seed the starts were drawn with. */
  seed: number;
  /** The inertia of every start, in order. */
  inertias: number[];
}

/** The id column of the first axis: the view's metadata column, else one built from its ids. */
function idColumn(view: ReadableView): { name: string; column: AnyColumn } {
  const axis = view.axes[0]!;
  const name = view.axisIndexColumns[axis] ?? `${axis}_id`;
  const meta = view.meta(axis);
  if (meta.has(name)) return { name, column: meta.column(name) };
  const n = view.shape[0]!;
  const ids = view.ids(axis);
  if (ids === undefined)
    return {
      name,
      column: columnFromValues(
        "int32",
        Int32Array.from({ length: n }, (_, i) => i),
      ),
    };
  if (ids instanceof BigInt64Array) return { name, column: columnFromValues("int64", ids) };
  if (ArrayBuffer.isView(ids)) {
    return { name, column: columnFromValues("float64", Float64Array.from(ids as Float64Array)) };
  }
  const cells = Array.from(ids as ArrayLike<string | number | bigint>);
  if (typeof cells[0] === "string") return { name, column: columnFromCells("string", cells) };
  if (typeof cells[0] === "bigint") return { name, column: columnFromCells("int64", cells) };
  return { name, column: columnFromCells("float64", cells) };
}

/**
 * Renumbers clusters 1..k in order of first appearance along the instance axis, so the same
 * partition always gets the same numbers whatever start found it. Clusters left empty come last.
 */
function canonicalOrder(labels: Int32Array, k: number): Int32Array {
  const order = new Int32Array(k).fill(-1);
  let next = 0;
  for (const label of labels) if (order[label] === -1) order[label] = next++;
  for (let c = 0; c < k; c++) if (order[c] === -1) order[c] = next++;
  return order;
}

/**
 * The output of the best clustering of `view`: the instance table (`instance_id`, `cluster` 1..k,
 * `distance` to its centroid) keyed by the view's ids in order, the cluster table (`cluster`,
 * `size`, `inertia`), the centroids as a `component` x (other axes) tensor with those axes'
 * metadata, and diagnostics.
 */
export function clusteringOutput(
  view: ReadableView,
  best: Clustering,
  summary: RunSummary,
): MethodOutput {
  const { labels, centers, squaredDistances } = best;
  const n = labels.length;
  const p = view.shape.slice(1).reduce((a, b) => a * b, 1);
  const k = centers.length / Math.max(p, 1);
  const order = canonicalOrder(labels, k);
  const cluster = Int32Array.from(labels, (label) => order[label]! + 1);
  const sizes = new Int32Array(k);
  const inertia = new Float64Array(k);
  const centroids = new Float64Array(k * p);
  for (let i = 0; i < n; i++) {
    sizes[cluster[i]! - 1]!++;
    inertia[cluster[i]! - 1]! += squaredDistances[i]!;
  }
  for (let c = 0; c < k; c++) {
    centroids.set(centers.subarray(c * p, (c + 1) * p), order[c]! * p);
  }
  const instance = MetaTable.fromColumns({
    [INSTANCE_ID]: idColumn(view).column,
    cluster: columnFromValues("int32", cluster),
    distance: columnFromValues("float64", Float64Array.from(squaredDistances, Math.sqrt)),
  });
  const clusterNumbers = Int32Array.from({ length: k }, (_, c) => c + 1);
  const component = MetaTable.fromColumns({
    cluster: columnFromValues("int32", clusterNumbers),
    size: columnFromValues("int32", sizes),
    inertia: columnFromValues("float64", inertia),
  });
  const otherAxes = view.axes.slice(1);
  const axisMeta: Record<string, MetaTable> = { component };
  const axisIndex: Record<string, AxisIndex> = { component: clusterNumbers };
  for (const axis of otherAxes) {
    axisMeta[axis] = view.meta(axis);
    const ids = view.ids(axis);
    if (ids !== undefined) axisIndex[axis] = ids;
  }
  const centroidTensor = createTensor({
    data: centroids,
    shape: [k, ...view.shape.slice(1)],
    axes: ["component", ...otherAxes],
    axisMeta,
    axisIndex,
  });
  return {
    factorTables: { [INSTANCE_TABLE]: instance, component },
    componentTensors: { centroids: centroidTensor },
    diagnostics: {
      inertia: best.inertia,
      iterations: best.iterations,
      converged: best.converged,
      n_init: summary.nInit,
      seed: summary.seed,
      init_inertias: summary.inertias,
    },
  };
}
