/** A ReadableView over an in-memory tensor, so methods can be tested without any store. */

import { DataError } from "../errors.js";
import { MetaTable } from "../meta-table.js";
import { type AxisSelection, gather } from "../selection.js";
import { type AxisAnnotatedTensor, type AxisIndex, axisPosition, createTensor } from "../tensor.js";
import type { ReadableView, TensorBlock } from "../view.js";

function takeIndex(index: AxisIndex, start: number, stop: number): AxisIndex {
  return index.slice(start, stop) as AxisIndex;
}

/**
 * A {@link ReadableView} of `tensor`, the minimal input a method's own tests fit on (a method
 * package cannot depend on `@tt/query`). Ids of an axis come from `tensor.axisIndex`, or from the
 * metadata column named in `axisIndexColumns`. A tensor as a full dataset, with the selection
 * verbs and the ids, metadata and reads of a bundle, is `datasetFromTensor` of `@tt/query` (and
 * `tensortools`), which `decompose` applies to a tensor itself.
 *
 * @example
 * ```ts
 * const view = viewFromTensor(tensor, { instance: "instance_id" });
 * const output = await method.fit(view, method.validate({ rank: 2 }), context);
 * ```
 */
export function viewFromTensor(
  tensor: AxisAnnotatedTensor,
  axisIndexColumns: Readonly<Record<string, string>> = {},
): ReadableView {
  for (const [axis, column] of Object.entries(axisIndexColumns)) {
    axisPosition(tensor.axes, axis);
    if (tensor.axisIndex[axis] === undefined && !tensor.axisMeta[axis]?.has(column)) {
      throw new DataError(
        `axis '${axis}'`,
        `has no index array and no metadata column '${column}'`,
      );
    }
  }
  const ids = (axis: string): AxisIndex | undefined => {
    axisPosition(tensor.axes, axis);
    const index = tensor.axisIndex[axis];
    if (index !== undefined) return index;
    const column = axisIndexColumns[axis];
    if (column === undefined) return undefined;
    return tensor.axisMeta[axis]!.column(column).values as AxisIndex;
  };
  return {
    axes: tensor.axes,
    shape: tensor.shape,
    dtype: tensor.dtype,
    axisIndexColumns,
    hasMask: tensor.mask !== undefined,
    meta: (axis) =>
      tensor.axisMeta[axis] ?? MetaTable.empty(tensor.shape[axisPosition(tensor.axes, axis)]),
    ids,
    async materialize(options = {}) {
      options.signal?.throwIfAborted();
      return tensor;
    },
    async *blocks(options) {
      const axis = options.axis ?? tensor.axes[0]!;
      const position = axisPosition(tensor.axes, axis);
      const length = tensor.shape[position]!;
      if (!Number.isInteger(options.size) || options.size < 1) {
        throw new DataError("blocks size", `must be a positive integer, got ${options.size}`);
      }
      for (let start = 0; start < length; start += options.size) {
        options.signal?.throwIfAborted();
        const stop = Math.min(length, start + options.size);
        const selection: AxisSelection[] = tensor.axes.map((_, i) =>
          i === position ? { start, stop } : null,
        );
        const shape = tensor.shape.map((n, i) => (i === position ? stop - start : n));
        const axisIndex = { ...tensor.axisIndex };
        const index = axisIndex[axis];
        if (index !== undefined) axisIndex[axis] = takeIndex(index, start, stop);
        const axisMeta = { ...tensor.axisMeta };
        const meta = axisMeta[axis];
        if (meta !== undefined) axisMeta[axis] = meta.slice(start, stop);
        const block: TensorBlock = {
          start,
          tensor: createTensor({
            data: gather(tensor.data, tensor.shape, selection),
            dtype: tensor.dtype,
            shape,
            axes: tensor.axes,
            axisIndex,
            axisMeta,
            mask: tensor.mask && gather(tensor.mask, tensor.shape, selection),
            attrs: { ...tensor.attrs },
          }),
        };
        yield block;
      }
    },
  };
}
