/**
 * Artifact removal: the data without chosen components, X − (X − μ) U_Dᵀ A_Dᵀ for the set D of
 * components, computed block by block of instances as one kernel product per block
 * (X (I − P) + μ P with P = U_Dᵀ A_Dᵀ, channels × channels). What the whitening dropped (rank
 * below the channels) stays in the data, as MNE's `apply` leaves it.
 */

import { createKernels, type Kernels } from "@tt/linalg";
import {
  type AxisAnnotatedTensor,
  type AxisIndex,
  ConfigError,
  createTensor,
  type MetaTable,
  type ReadableView,
  type TensorBlock,
  type TensorView,
} from "@tt/schema";

/** What removal needs of a fitted ICA: its channel axis, mixing, unmixing and channel means. */
export interface IcaProjection {
  channelAxis: string;
  rank: number;
  channels: number;
  /** channels × rank. */
  mixing: Float64Array;
  /** rank × channels. */
  unmixing: Float64Array;
  /** The channel means the fit subtracted. */
  center: Float64Array;
  /** The channel ids the model was fitted on, when the input had them. */
  channelIds: AxisIndex | undefined;
}

/**
 * The projection of a fitted ICA from its component tensors (`mixing`, `unmixing`, `center`), as
 * a fit returns them and as a result read back holds them; a missing tensor is a ConfigError.
 *
 * @example
 * ```ts
 * const output = await ica.fit(view, ica.validate({ rank: 4 }), context);
 * const projection = icaProjection(output.componentTensors);
 * console.log(projection.channelAxis, projection.rank); // "channel" 4
 * ```
 */
export function icaProjection(
  tensors: Readonly<Record<string, AxisAnnotatedTensor>>,
): IcaProjection {
  const { mixing, unmixing, center } = tensors;
  if (mixing === undefined || unmixing === undefined || center === undefined)
    throw new ConfigError(
      "componentTensors",
      `an ICA projection needs the 'mixing', 'unmixing' and 'center' tensors of an ica fit; got ${Object.keys(tensors).join(", ") || "none"}`,
    );
  const channelAxis = mixing.axes[0]!;
  const [channels, rank] = mixing.shape as [number, number];
  return {
    channelAxis,
    rank,
    channels,
    mixing: Float64Array.from(mixing.data as ArrayLike<number>),
    unmixing: Float64Array.from(unmixing.data as ArrayLike<number>),
    center: Float64Array.from(center.data as ArrayLike<number>),
    channelIds: mixing.axisIndex[channelAxis],
  };
}

/** I − P and μP for the components `remove` (1-based). */
function removalOperator(projection: IcaProjection, remove: readonly number[]) {
  const { rank: r, channels: C, mixing, unmixing, center } = projection;
  remove.forEach((k, i) => {
    if (!Number.isInteger(k) || k < 1 || k > r)
      throw new ConfigError(
        `components[${i}]`,
        `must be a component number from 1 to ${r}, got ${k}`,
      );
  });
  const operator = new Float64Array(C * C);
  for (let c = 0; c < C; c++) operator[c * C + c] = 1;
  for (const k of new Set(remove))
    for (let c = 0; c < C; c++)
      for (let d = 0; d < C; d++)
        operator[c * C + d]! -= unmixing[(k - 1) * C + c]! * mixing[d * r + k - 1]!;
  const offset = new Float64Array(C);
  for (let d = 0; d < C; d++) {
    let sum = 0;
    for (let c = 0; c < C; c++) sum += center[c]! * ((c === d ? 1 : 0) - operator[c * C + d]!);
    offset[d] = sum;
  }
  return { operator, offset };
}

/**
 * Checks that the view holds the fitted channels, in order, on the channel axis: the last (or,
 * with `anywhere`, any but the first); returns the axis's position.
 */
function checkView(view: ReadableView, projection: IcaProjection, anywhere = false): number {
  const { channelAxis, channels, channelIds } = projection;
  const position = view.axes.indexOf(channelAxis);
  if (anywhere ? position < 1 : position !== view.axes.length - 1)
    throw new ConfigError(
      "view",
      `removal needs the channel axis '${channelAxis}' ${anywhere ? "after the first axis" : "last"}; the view's axes are ${view.axes.join(", ")}`,
    );
  const ids = view.ids(channelAxis);
  const length = view.shape[position]!;
  const same =
    length === channels &&
    (ids === undefined ||
      channelIds === undefined ||
      Array.from(ids as ArrayLike<unknown>).every(
        (id, i) => id === (channelIds as ArrayLike<unknown>)[i],
      ));
  if (!same)
    throw new ConfigError(
      "view",
      `its channels differ from the ${channels} the ICA was fitted on (axis '${channelAxis}', ${length} elements); select the same channels in the same order`,
    );
  return position;
}

/** Options of {@link cleanBlocks} and {@link removeComponents}. */
export interface RemoveOptions {
  /** Instances per block (default 64). */
  size?: number;
  /** Kernels to run on; created (and disposed) for the call when omitted. */
  kernels?: Kernels;
  signal?: AbortSignal;
}

/**
 * The view without the components `remove` (1-based), block by block of instances: each block's
 * tensor has the view's axes, metadata and ids, float64 values (float32 for float32 data).
 *
 * @example
 * ```ts
 * for await (const block of cleanBlocks(view, icaProjection(output.componentTensors), [1]))
 *   console.log(block.start, block.tensor.shape);
 * ```
 */
export async function* cleanBlocks(
  view: ReadableView,
  projection: IcaProjection,
  remove: readonly number[],
  options: RemoveOptions = {},
): AsyncGenerator<TensorBlock> {
  checkView(view, projection);
  const { operator, offset } = removalOperator(projection, remove);
  const C = projection.channels;
  const kernels = options.kernels ?? (await createKernels());
  try {
    for await (const { start, tensor } of view.blocks({
      size: options.size ?? 64,
      signal: options.signal,
    })) {
      const rows = tensor.data.length / C;
      const matrix = kernels.allocMatrix(rows, C, "float64");
      matrix.data.set(tensor.data as ArrayLike<number>);
      const cleaned = await kernels.multiply(matrix, operator, C);
      kernels.freeMatrix(matrix);
      for (let i = 0; i < cleaned.length; i++) cleaned[i]! += offset[i % C]!;
      const data = tensor.dtype === "float32" ? Float32Array.from(cleaned) : cleaned;
      yield {
        start,
        tensor: createTensor({
          ...tensor,
          data,
          dtype: tensor.dtype === "float32" ? "float32" : "float64",
        }),
      };
    }
  } finally {
    if (options.kernels === undefined) await kernels.dispose();
  }
}

/**
 * The whole view without the components `remove` (1-based) of a fitted ICA, as one tensor with
 * the view's axes, metadata and ids, read and cleaned block by block ({@link cleanBlocks}).
 *
 * @example
 * ```ts
 * const output = await ica.fit(view, ica.validate({ algorithm: "infomax" }), context);
 * const clean = await removeComponents(view, output.componentTensors, [1, 3]); // blinks out
 * ```
 */
export async function removeComponents(
  view: ReadableView,
  tensors: Readonly<Record<string, AxisAnnotatedTensor>>,
  remove: readonly number[],
  options: RemoveOptions = {},
): Promise<AxisAnnotatedTensor> {
  const projection = icaProjection(tensors);
  const total = view.shape.reduce((a, b) => a * b, 1);
  const data = view.dtype === "float32" ? new Float32Array(total) : new Float64Array(total);
  const slab = total / view.shape[0]!;
  for await (const { start, tensor } of cleanBlocks(view, projection, remove, options))
    data.set(tensor.data as ArrayLike<number>, start * slab);
  const axisMeta: Record<string, MetaTable> = {};
  const axisIndex: Record<string, AxisIndex> = {};
  for (const axis of view.axes) {
    axisMeta[axis] = view.meta(axis);
    const ids = view.ids(axis);
    if (ids !== undefined) axisIndex[axis] = ids;
  }
  return createTensor({ data, shape: view.shape, axes: view.axes, axisMeta, axisIndex });
}

/**
 * The view without the components `remove` (1-based) of a fitted ICA, lazily: the view with a
 * delayed linear map along the channel axis (`x − A_D U_D (x − μ)`, `view.linearMap`), so nothing
 * is read until the view is, every read (materialize, blocks, a streamed decomposition, a
 * concatenation) cleans block by block, and the view's selectors (a result's `input_ref`)
 * record the operation and replay it. The channel axis may be any but the first.
 *
 * @example
 * ```ts
 * const output = await ica.fit(view, ica.validate({ algorithm: "infomax" }), context);
 * const clean = removeComponentsView(view, output.componentTensors, [1]); // nothing read yet
 * const pca = await decompose(clean, "pca", { rank: 5 });                // cleaned as it streams
 * ```
 */
export function removeComponentsView(
  view: TensorView,
  tensors: Readonly<Record<string, AxisAnnotatedTensor>>,
  remove: readonly number[],
): TensorView {
  const projection = icaProjection(tensors);
  checkView(view, projection, true);
  const { operator, offset } = removalOperator(projection, remove);
  const C = projection.channels;
  // cleaned[d] = Σ_c x[c] operator[c, d] + offset[d]: row d of the map is column d of operator.
  const matrix = Array.from({ length: C }, (_, d) =>
    Array.from({ length: C }, (_, c) => operator[c * C + d]!),
  );
  return view.linearMap(projection.channelAxis, matrix, { offset });
}
