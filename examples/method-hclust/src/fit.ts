/** The hclust fit: read the matrix through @tt/mljs, build the tree, cut it, write the labels. */

import { fromMatrix, readMatrix, toMatrix } from "@tt/mljs";
import {
  type AxisIndex,
  ConfigError,
  columnFromValues,
  DataError,
  type FitContext,
  INSTANCE_TABLE,
  MetaTable,
  type MethodOutput,
  type ReadableView,
} from "@tt/schema";
import { agnes, type Cluster } from "ml-hclust";
import { Matrix } from "ml-matrix";
import type { HclustConfig } from "./config.js";

/** The matrix to cluster: the named metadata columns, else the values with the axes flattened. */
async function readInput(view: ReadableView, config: HclustConfig, signal?: AbortSignal) {
  if (config.columns !== null) return toMatrix(view, config.columns);
  const matrix = await readMatrix(view, { flatten: true, signal });
  const rows: number[] = [];
  for (let i = 0; i < matrix.rows && rows.length < 5; i++) {
    if (matrix.getRow(i).some(Number.isNaN)) rows.push(i);
  }
  if (rows.length > 0) {
    const ids = view.ids(view.axes[0]!);
    const first = rows.map((row) => (ids === undefined ? `#${row}` : String(ids[row])));
    throw new DataError(
      `axis '${view.axes[0]}'`,
      `instances have NaN values, first: ${first.join(", ")}; agglomerative clustering needs complete rows: select them first, e.g. with filter()`,
    );
  }
  return matrix;
}

/**
 * Labels 1..k from the `k` subtrees, numbered in order of first appearance along the instances,
 * so the same partition always gets the same numbers.
 */
function labelsOf(groups: readonly Cluster[], n: number): Int32Array {
  const group = new Int32Array(n);
  groups.forEach((cluster, g) => {
    for (const index of cluster.indices()) group[index] = g;
  });
  const number = new Int32Array(groups.length).fill(0);
  let next = 0;
  return group.map((g) => {
    if (number[g] === 0) number[g] = ++next;
    return number[g]!;
  });
}

/** The heights of the merges the cut undid, highest first. */
function cutHeights(root: Cluster, k: number): number[] {
  const heights: number[] = [];
  root.traverse((node) => {
    if (!node.isLeaf) heights.push(node.height);
  });
  return heights.sort((a, b) => b - a).slice(0, k - 1);
}

/** Clusters the instances of `view` with ml-hclust's agnes and cuts the tree into `k` clusters. */
export async function fitHclust(
  view: ReadableView,
  config: HclustConfig,
  context: FitContext,
): Promise<MethodOutput> {
  const { signal } = context;
  signal?.throwIfAborted();
  const n = view.shape[0] ?? 0;
  if (config.k > n) {
    throw new ConfigError(
      "k",
      `${config.k} clusters need at least ${config.k} instances, got ${n}`,
    );
  }
  context.onProgress({ phase: "read", fraction: 0 });
  const matrix = await readInput(view, config, signal);
  signal?.throwIfAborted();
  context.onProgress({
    phase: "fit",
    fraction: 0,
    message: `agnes (${config.linkage}) of ${n} instances`,
  });
  const tree = agnes(matrix.to2DArray(), { method: config.linkage });
  const labels = labelsOf(tree.group(config.k).children, n);
  context.onProgress({ phase: "fit", fraction: 1 });
  const axis = view.axes[0]!;
  const ids: AxisIndex = view.ids(axis) ?? Int32Array.from({ length: n }, (_, i) => i);
  const instance = fromMatrix(Matrix.columnVector(labels), {
    ids,
    columns: ["cluster"],
    type: "int32",
  });
  const sizes = new Int32Array(config.k);
  for (const label of labels) sizes[label - 1]!++;
  const component = MetaTable.fromColumns({
    cluster: columnFromValues(
      "int32",
      Int32Array.from({ length: config.k }, (_, c) => c + 1),
    ),
    size: columnFromValues("int32", sizes),
  });
  return {
    factorTables: { [INSTANCE_TABLE]: instance, component },
    componentTensors: {},
    diagnostics: {
      linkage: config.linkage,
      input: config.columns === null ? "values" : "columns",
      features: matrix.columns,
      cut_heights: cutHeights(tree, config.k),
    },
  };
}
