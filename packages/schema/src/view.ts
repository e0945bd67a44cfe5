/** The persistent dataset and its lazy views, as interfaces that stores and methods share. */

import type { DType, TypedArray } from "./dtype.js";
import type { JsonObject } from "./json.js";
import type { Manifest } from "./manifest.js";
import type { MetaRecord, MetaTable } from "./meta-table.js";
import type { IOOptions, StoredArray } from "./plugins.js";
import type { AxisSelection } from "./selection.js";
import type { Selector } from "./selectors.js";
import type { AxisAnnotatedTensor, AxisIndex } from "./tensor.js";

/** Options of {@link ReadableView.blocks}. */
export interface BlockOptions extends IOOptions {
  /** The axis to cut into blocks; the first axis when omitted. */
  axis?: string;
  /** The number of elements of `axis` per block (the last block may be shorter). */
  size: number;
}

/** One block of a view: positions `start` to `start + tensor.shape[axis]` of the blocked axis. */
export interface TensorBlock {
  /** Position of the block's first element along the blocked axis, within the view. */
  readonly start: number;
  /** The block's data, metadata and ids. */
  readonly tensor: AxisAnnotatedTensor;
}

/**
 * What a decomposition method needs of its input: shape, ids, metadata and the data, whole
 * or in blocks. Any tensor source (a dataset view, an in-memory tensor) can provide it.
 */
export interface ReadableView {
  /** Axis names. */
  readonly axes: readonly string[];
  /** Length of each axis in the view. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** The id column of each axis that has one (from the manifest). */
  readonly axisIndexColumns: Readonly<Record<string, string>>;
  /** Whether a validity mask exists for the data. */
  readonly hasMask: boolean;
  /** The metadata rows of the selected elements of `axis` (a table without columns if none). */
  meta(axis: string): MetaTable;
  /** The ids of the selected elements of `axis`, or `undefined` if the axis has no id column. */
  ids(axis: string): AxisIndex | undefined;
  /** Reads the selected data with metadata and ids. */
  materialize(options?: IOOptions): Promise<AxisAnnotatedTensor>;
  /** Iterates the view in blocks along one axis; memory stays bounded by the block size. */
  blocks(options: BlockOptions): AsyncIterable<TensorBlock>;
  /**
   * Optional: reads the data (not the mask) of the view's elements `start` to `stop` of the first
   * axis, every selected element of the other axes, into `target` (of the view's dtype) from
   * element `offset` on, C order. Where the store can, the bytes land there straight from storage
   * (a kernel's memory, say) with no copy in between; readers fall back to `blocks` without it.
   */
  readRowsInto?(
    start: number,
    stop: number,
    target: TypedArray,
    offset: number,
    options?: IOOptions,
  ): Promise<void>;
  /**
   * Optional: when the view's last delayed operations are arithmetic that maps each position of
   * an instance on its own (a number, or values along an axis other than the first), that map as
   * `x * scale[k] + shift[k]` for position `k` of an instance's elements (C order), and the view
   * without those operations. A reader that applies an affine map anyway (a decomposition's
   * product kernel centering its columns) can read `view` and apply the composed map, instead of
   * a pass of arithmetic over every element; the numbers agree to rounding, not to the bit.
   * `undefined` when the view ends with no such operation.
   */
  rowAffine?(): RowAffine | undefined;
}

/** See {@link ReadableView.rowAffine}. */
export interface RowAffine {
  /** The view without its trailing per-position arithmetic. */
  readonly view: ReadableView;
  /** Per position of an instance's elements (C order): the factor... */
  readonly scale: Float64Array;
  /** ... and the term: the view's element is `view's element * scale[k] + shift[k]`. */
  readonly shift: Float64Array;
}

/** Options of {@link TensorView.filter} by ids. */
export interface FilterOptions {
  /** What to do with ids that are not in the axis: fail (default) or skip them. */
  missing?: "error" | "ignore";
}

/**
 * Options of the arithmetic verbs of a {@link TensorView} with one operand per element of an axis.
 *
 * @example
 * ```ts
 * const perSample = view.divide(scaling, { axis: "sample" }); // scaling.length === view.shape[1]
 * ```
 */
export interface BroadcastOptions {
  /** The axis the operand's values run along: value `j` goes with the view's element `j`. */
  axis: string;
}

/**
 * Positions `start` to `stop` (exclusive) of an axis of a view.
 *
 * @example
 * ```ts
 * const baseline: ViewRange = { start: 0, stop: 100 };
 * const corrected = view.subtractMean("sample", baseline);
 * ```
 */
export interface ViewRange {
  start: number;
  stop: number;
}

/** The JSON form of a view: enough, with the dataset, to rebuild it. */
export interface ViewJSON {
  /** The selectors, applied in order. */
  selectors: Selector[];
  /** The field the selectors apply to, when not the default `"data"`. */
  field?: string;
}

/** An immutable selection of a dataset; every verb returns a new view holding selectors only. */
export interface TensorView extends ReadableView {
  /** The dataset the view selects from. */
  readonly dataset: TensorDataset;
  /** The selectors applied so far, in order. */
  readonly selectors: readonly Selector[];
  /** The global attributes of the dataset the view selects from. */
  readonly attrs: Readonly<JsonObject>;
  /** Elements of `axis` whose metadata satisfies `expr` (the query language). */
  query(axis: string, expr: string): TensorView;
  /** Elements of `axis` with these ids (in this order) or where the mask is true. */
  filter(
    axis: string,
    idsOrMask: AxisIndex | readonly boolean[],
    options?: FilterOptions,
  ): TensorView;
  /** Positions `start` to `stop` (exclusive) of `axis`. */
  slice(axis: string, start: number, stop: number): TensorView;
  /** Positions `indices` of `axis`, in that order. */
  take(axis: string, indices: ArrayLike<number>): TensorView;
  /**
   * Adds `operand` to every element: a number, or one number per element of `options.axis`.
   * Like every delayed operation it returns a new view and reads nothing; the data is
   * transformed block by block as it is read (`materialize`, `blocks`, `readRowsInto`), and the
   * operation is recorded among the selectors. The result is float32 for float32 data, float64
   * for every other dtype; each operation is computed in float64 and rounded to that once.
   * Operands must be finite (a ConfigError otherwise); values that do not match the axis are an
   * InvalidSelectionError, an unknown axis a NotFoundError.
   *
   * @example
   * ```ts
   * const shifted = view.add(1.5);
   * const offsets = view.add([0, 10, 20], { axis: "channel" }); // view.shape[2] === 3
   * ```
   */
  add(operand: number | ArrayLike<number>, options?: BroadcastOptions): TensorView;
  /** Subtracts `operand` (a number, or one per element of `options.axis`) from every element. */
  subtract(operand: number | ArrayLike<number>, options?: BroadcastOptions): TensorView;
  /** Multiplies every element by `operand` (a number, or one per element of `options.axis`). */
  multiply(operand: number | ArrayLike<number>, options?: BroadcastOptions): TensorView;
  /**
   * Divides every element by `operand` (a number, or one per element of `options.axis`);
   * division by zero gives infinities or NaN, as numpy.
   *
   * @example
   * ```ts
   * const normalized = view.divide(scaling, { axis: "sample" }).log1p(); // log1p(x / scaling)
   * ```
   */
  divide(operand: number | ArrayLike<number>, options?: BroadcastOptions): TensorView;
  /** `log(1 + x)` of every element: -Infinity at -1, NaN below it (as numpy). */
  log1p(): TensorView;
  /** The square root of every element: NaN below 0 (as numpy). */
  sqrt(): TensorView;
  /** The absolute value of every element. */
  abs(): TensorView;
  /**
   * For every element of the other axes, subtracts the mean of the values at positions `start`
   * to `stop` of `axis` (all of it when `range` is omitted): a baseline over a range of samples,
   * or the mean over channels. Positions count in this view; selections made afterwards do not
   * move the range (its values are read even when they are selected away). `axis` may not be the
   * first axis (views are read in blocks along it). A NaN in the range makes the mean NaN, as
   * numpy's `mean`; a mask is kept as it is.
   *
   * @example
   * ```ts
   * const baselined = view.subtractMean("sample", { start: 0, stop: 100 }); // per instance and channel
   * const averageReferenced = baselined.subtractMean("channel");           // per instance and sample
   * ```
   */
  subtractMean(axis: string, range?: ViewRange): TensorView;
  /**
   * Subtracts from every element of `axis` the value of its element with id `id` at the same
   * positions of the other axes (re-referencing to one channel: that channel becomes 0). The
   * element must be in the view, on an axis with ids, and not the first axis.
   *
   * @example
   * ```ts
   * const referenced = view.subtractElement("channel", "Cz");
   * ```
   */
  subtractElement(axis: string, id: string | number | bigint): TensorView;
  /**
   * Replaces the elements of `axis` by linear combinations of them, for every element of the
   * other axes: output element `j` is `Σ_i matrix[j][i] · x_i + offset[j]`. `matrix` is square
   * (n rows of n values for the axis's n elements in the view), so the axis keeps its elements,
   * ids and metadata; `axis` may not be the first. A spatial filter, a montage, or the data
   * without chosen ICA components. Float32 data stays float32 (computed in float64, rounded once).
   *
   * @example
   * ```ts
   * // Channels 0 and 1 as a bipolar pair (0 - 1), channel 1 kept.
   * const bipolar = view.linearMap("channel", [[1, -1], [0, 1]]);
   * ```
   */
  linearMap(
    axis: string,
    matrix: ArrayLike<ArrayLike<number>>,
    options?: { offset?: ArrayLike<number> },
  ): TensorView;
  /** The name of the field the view reads: `"data"` (the default) or one of `dataset.fields`. */
  readonly fieldName: string;
  /**
   * The view of field `name` of the same dataset with the same selection of the first axis (the
   * instances, with their order), all of the field's other axes; a NotFoundError names the fields
   * there are. Delayed operations do not carry over (they were for another field's values): a
   * view with some is an InvalidSelectionError. The view's own field is the view itself.
   */
  field(name: string): TensorView;
  /** The selectors as JSON. */
  toJSON(): ViewJSON;
}

/** One element of an axis found by id: its position and its metadata row. */
export interface AxisElement {
  /** Position along the axis. */
  readonly index: number;
  /** The element's metadata row. */
  readonly meta: MetaRecord;
}

/**
 * A dataset bundle opened for reading, without selection verbs: the validated manifest, the
 * arrays, the full metadata of every axis and O(1) lookup by id.
 */
export interface StoredDataset {
  /**
   * The validated manifest; for a dataset held in memory, one that describes the tensor (axes,
   * shape, dtype, id columns, attrs) and names no files.
   */
  readonly manifest: Manifest;
  /**
   * Where the bundle is: a path or URL; `undefined` for a dataset held in memory (a tensor as a
   * dataset), which results and bundles written from it record as having no stored input.
   */
  readonly location: string | undefined;
  /** Axis names. */
  readonly axes: readonly string[];
  /** Length of each axis. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** The id column of each axis that has one. */
  readonly axisIndexColumns: Readonly<Record<string, string>>;
  /** Global attributes from the manifest. */
  readonly attrs: Readonly<JsonObject>;
  /** The data array. */
  readonly array: StoredArray;
  /** The validity mask array, if the bundle has one. */
  readonly maskArray: StoredArray | undefined;
  /** Whether a validity mask exists. */
  readonly hasMask: boolean;
  /** The full metadata table of `axis` (a table without columns if the axis has none). */
  meta(axis: string): MetaTable;
  /** The ids of `axis`, or `undefined` if the axis has no id column. */
  ids(axis: string): AxisIndex | undefined;
  /** The position of the element with `id` along `axis` (O(1)), or `undefined`. */
  indexOf(axis: string, id: string | number | bigint): number | undefined;
  /** The element of the first axis with `id` and its metadata (O(1)), or `undefined`. */
  getInstance(id: string | number | bigint): AxisElement | undefined;
  /** Reads a raw selection of the array in C order; only the needed chunks are read. */
  read(selection: readonly AxisSelection[], options?: IOOptions): Promise<TypedArray>;
  /**
   * Optional, when the array can (`StoredArray.readInto`): reads a raw selection into `target`
   * from element `offset` on, with no intermediate copy where the store allows it.
   */
  readInto?(
    selection: readonly AxisSelection[],
    target: TypedArray,
    offset: number,
    options?: IOOptions,
  ): Promise<void>;
  /** Reads a raw selection of the mask (1 = valid); all ones when the bundle has no mask. */
  readMask(selection: readonly AxisSelection[], options?: IOOptions): Promise<Uint8Array>;
  /** The field this dataset reads: `"data"` (the default) when omitted. */
  readonly fieldName?: string;
  /** The names of the dataset's fields, `"data"` first; only `"data"` when omitted. */
  readonly fields?: readonly string[];
  /**
   * The dataset of field `name`: its own axes, shape, dtype, arrays and axis metadata, the first
   * axis's metadata and ids shared, `manifest` and `location` the bundle's. Absent on datasets
   * with only the default field.
   */
  fieldDataset?(name: string): StoredDataset;
}

/** A stored dataset that is also the view of everything in it, with the selection verbs. */
export interface TensorDataset extends StoredDataset, TensorView {
  /** The field the dataset reads: `"data"` unless it is the dataset of another field. */
  readonly fieldName: string;
}
