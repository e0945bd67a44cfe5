/** A stored dataset as the view of everything in it, with the selection verbs and delayed operations. */

import {
  type AxisIndex,
  type BlockOptions,
  type BroadcastOptions,
  DEFAULT_FIELD,
  type FilterOptions,
  type IOOptions,
  type Selector,
  type StoredDataset,
  type TensorDataset,
  type TypedArray,
  type ViewRange,
} from "@tt/schema";
import { allPositions } from "./positions.js";
import { View } from "./view.js";

/**
 * The dataset of `stored` as a view of everything in it, with the selection verbs.
 *
 * @example
 * ```ts
 * const dataset = createDataset(await openStoredDataset("./bundle"));
 * const view = dataset.query("instance", "label == 'target' and qc_pass").slice("sample", 100, 900);
 * const tensor = await view.materialize();
 * ```
 */
export function createDataset(stored: StoredDataset): TensorDataset {
  const positions = Object.freeze(stored.shape.map(allPositions));
  let root: View;
  const dataset: TensorDataset = Object.freeze({
    ...stored,
    get shape() {
      return stored.shape;
    },
    selectors: Object.freeze([]) as readonly Selector[],
    get dataset() {
      return dataset;
    },
    query: (axis: string, expr: string) => root.query(axis, expr),
    filter: (axis: string, ids: AxisIndex | readonly boolean[], options?: FilterOptions) =>
      root.filter(axis, ids, options),
    slice: (axis: string, start: number, stop: number) => root.slice(axis, start, stop),
    take: (axis: string, indices: ArrayLike<number>) => root.take(axis, indices),
    add: (operand: number | ArrayLike<number>, options?: BroadcastOptions) =>
      root.add(operand, options),
    subtract: (operand: number | ArrayLike<number>, options?: BroadcastOptions) =>
      root.subtract(operand, options),
    multiply: (operand: number | ArrayLike<number>, options?: BroadcastOptions) =>
      root.multiply(operand, options),
    divide: (operand: number | ArrayLike<number>, options?: BroadcastOptions) =>
      root.divide(operand, options),
    log1p: () => root.log1p(),
    sqrt: () => root.sqrt(),
    abs: () => root.abs(),
    subtractMean: (axis: string, range?: ViewRange) => root.subtractMean(axis, range),
    subtractElement: (axis: string, id: string | number | bigint) => root.subtractElement(axis, id),
    linearMap: (
      axis: string,
      matrix: ArrayLike<ArrayLike<number>>,
      options?: { offset?: ArrayLike<number> },
    ) => root.linearMap(axis, matrix, options),
    fieldName: stored.fieldName ?? DEFAULT_FIELD,
    field: (name: string) => root.field(name),
    toJSON: () => root.toJSON(),
    materialize: (options?: IOOptions) => root.materialize(options),
    blocks: (options: BlockOptions) => root.blocks(options),
    readRowsInto: (
      start: number,
      stop: number,
      target: TypedArray,
      offset: number,
      options?: IOOptions,
    ) => root.readRowsInto(start, stop, target, offset, options),
  });
  root = new View(dataset, stored, Object.freeze([]), { positions, top: undefined }, createDataset);
  return dataset;
}
