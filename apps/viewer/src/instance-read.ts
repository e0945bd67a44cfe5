/**
 * Reading one instance as the result saw it: through the delayed operations of the result's input
 * (a baseline, a re-reference, a scaling) when its selectors hold some, laid out on the dataset's
 * axes, so that it sits beside its reconstruction on the same scale.
 */

import {
  type AxisAnnotatedTensor,
  createTensor,
  isTransformSelector,
  type TensorDataset,
  type TensorView,
  viewFromJSON,
} from "tensortools/browser";

/**
 * The result's input view replayed on `dataset` when its selectors transform values (delayed
 * operations), else `undefined`: the raw instances are what the result saw.
 */
export function transformedInput(
  dataset: TensorDataset,
  selectors: readonly { op: string }[],
): TensorView | undefined {
  if (!selectors.some(isTransformSelector)) return undefined;
  return viewFromJSON(dataset, { selectors: structuredClone([...selectors]) });
}

/** The dataset positions of the elements of `axis` of `tensor`, by id, else the whole axis. */
function positionsOnDataset(
  dataset: TensorDataset,
  tensor: AxisAnnotatedTensor,
  axis: number,
): Int32Array {
  const name = tensor.axes[axis]!;
  const length = tensor.shape[axis]!;
  const ids = tensor.axisIndex[name];
  if (ids !== undefined && dataset.axisIndexColumns[name] !== undefined)
    return Int32Array.from({ length }, (_, i) => {
      const at = dataset.indexOf(name, ids[i] as string | number | bigint);
      if (at === undefined)
        throw new Error(`the input's ${name} ${String(ids[i])} is not in the dataset`);
      return at;
    });
  if (length !== dataset.shape[axis])
    throw new Error(
      `the input selects ${length} of the dataset's ${dataset.shape[axis]} elements of '${name}' and has no ids to place them`,
    );
  return Int32Array.from({ length }, (_, i) => i);
}

/**
 * A one-instance tensor of the input view placed on the dataset's other axes: its values at the
 * dataset positions of its elements, NaN where the input selected nothing.
 */
function onDatasetAxes(dataset: TensorDataset, tensor: AxisAnnotatedTensor): AxisAnnotatedTensor {
  const shape = [1, ...dataset.shape.slice(1)];
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size).fill(Number.NaN);
  const positions = tensor.axes.map((_, d) =>
    d === 0 ? Int32Array.of(0) : positionsOnDataset(dataset, tensor, d),
  );
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < tensor.data.length; flat++) {
    let at = 0;
    for (let d = 1; d < shape.length; d++) at += positions[d]![index[d]!]! * strides[d]!;
    data[at] = Number(tensor.data[flat]);
    for (let d = shape.length - 1; d >= 1; d--) {
      index[d]!++;
      if (index[d]! < tensor.shape[d]!) break;
      index[d] = 0;
    }
  }
  return createTensor({ data, shape, axes: dataset.axes });
}

/** The instance with `id`, read from the dataset, or through `input` when the result's data was transformed. */
export async function readInstance(
  dataset: TensorDataset,
  input: TensorView | undefined,
  instanceAxis: string,
  id: string | number | bigint,
): Promise<AxisAnnotatedTensor> {
  if (input === undefined) return dataset.filter(instanceAxis, [id as string]).materialize();
  return onDatasetAxes(dataset, await input.filter(instanceAxis, [id as string]).materialize());
}
