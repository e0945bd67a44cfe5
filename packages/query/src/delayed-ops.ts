/**
 * Delayed element-wise operations of a view, resolved against the view they are applied to: the
 * JSON selector that records the operation, and the step that applies it to a block of data.
 */

import {
  type ArithmeticSelector,
  axisPosition,
  type BroadcastOptions,
  ConfigError,
  type DType,
  InvalidSelectionError,
  type TransformSelector,
  type UnarySelector,
  type ViewRange,
} from "@tt/schema";

/** Stored positions of the selected elements, one array per axis. */
export type Positions = readonly Int32Array[];

/** The arithmetic operators. */
export type ArithmeticOperator = ArithmeticSelector["op"];
/** The element-wise functions. */
export type UnaryOperator = UnarySelector["op"];

/** What an operation does to a block, in terms of the positions of the view it was applied to. */
export type DelayedStep =
  | {
      readonly kind: "arithmetic";
      readonly op: ArithmeticOperator;
      /** The axis the values run along, or -1 for one value for every element. */
      readonly axis: number;
      readonly values: Float64Array;
    }
  | { readonly kind: "unary"; readonly op: UnaryOperator }
  | {
      readonly kind: "mean";
      readonly axis: number;
      /** The positions along `axis` whose mean is subtracted (one for subtract_element). */
      readonly window: Int32Array;
    }
  | {
      readonly kind: "linear";
      readonly axis: number;
      /** n × n, row-major: output j is Σ_i matrix[j·n + i] x_i (+ offset[j]). */
      readonly matrix: Float64Array;
      readonly offset: Float64Array | undefined;
    };

/** An operation applied to a view: what it does, and the view (`input`) it does it to. */
export interface DelayedOp {
  readonly selector: TransformSelector;
  readonly step: DelayedStep;
  readonly input: Lineage;
  /** The shape of the input view. */
  readonly shape: readonly number[];
  /** The element type of the output. */
  readonly dtype: "float32" | "float64";
}

/** The last operation of a view, and where each element of the view is in that operation's input. */
export interface Layer {
  readonly op: DelayedOp;
  /** Per axis: the position in `op.input` of each element of the view. */
  readonly index: Positions;
}

/** How a view's data comes about: stored positions, then the last delayed operation, if any. */
export interface Lineage {
  readonly positions: Positions;
  readonly top: Layer | undefined;
}

/** What resolving an operation needs of the view it is applied to. */
export interface OperandView {
  readonly axes: readonly string[];
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** The position of the element with `id` along `axis` in the view, or an error naming it. */
  indexOfId(axis: string, id: string | number | bigint): number;
}

/**
 * The element type of a transformed view: float32 stays float32; every other dtype (integers,
 * bool, float64) becomes float64.
 */
export function transformedDType(dtype: DType): "float32" | "float64" {
  return dtype === "float32" ? "float32" : "float64";
}

function axisIndexOf(view: OperandView, axis: string): number {
  return axisPosition(view.axes, axis);
}

function finite(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new ConfigError(
      field,
      `must be a finite number, got ${String(value)} (a view is recorded as JSON, which holds no NaN or Infinity)`,
    );
  return value;
}

/** `op` with a number, or with one value per element of `options.axis`. */
export function resolveArithmetic(
  view: OperandView,
  op: ArithmeticOperator,
  operand: number | ArrayLike<number>,
  options: BroadcastOptions | undefined,
): { selector: ArithmeticSelector; step: DelayedStep } {
  if (typeof operand === "number") {
    if (options?.axis !== undefined)
      throw new ConfigError(
        `${op}.axis`,
        `a single number applies to every element; pass one value per element of '${options.axis}' to broadcast along it`,
      );
    const value = finite(operand, op);
    return {
      selector: { op, value },
      step: { kind: "arithmetic", op, axis: -1, values: Float64Array.of(value) },
    };
  }
  if (operand === null || typeof operand !== "object" || typeof operand.length !== "number")
    throw new ConfigError(op, `must be a number or an array of numbers, got ${typeof operand}`);
  const axisName = options?.axis;
  if (typeof axisName !== "string")
    throw new ConfigError(
      `${op}.axis`,
      `${operand.length} values need the axis they run along: { axis: "<name>" } (axes are ${view.axes.join(", ")})`,
    );
  const axis = axisIndexOf(view, axisName);
  const length = view.shape[axis]!;
  if (operand.length !== length)
    throw new InvalidSelectionError(
      axisName,
      `${op}: ${operand.length} values for the view's ${length} elements of '${axisName}'; give one per element`,
    );
  const values = Float64Array.from({ length }, (_, j) => finite(operand[j], `${op}[${j}]`));
  return {
    selector: { op, axis: axisName, values: Array.from(values) },
    step: { kind: "arithmetic", op, axis, values },
  };
}

/** The axis a mean is taken over, which may not be the first. */
function reducedAxis(view: OperandView, axis: string, what: string): number {
  const position = axisIndexOf(view, axis);
  if (position === 0)
    throw new InvalidSelectionError(
      axis,
      `${what} works within each element of the first axis '${axis}' (views are read in blocks along it); name another axis (to center over instances, use a decomposition's center option)`,
    );
  return position;
}

/** The mean over positions `range` of `axis` subtracted (all of the axis by default). */
export function resolveSubtractMean(
  view: OperandView,
  axis: string,
  range: ViewRange | undefined,
): { selector: TransformSelector; step: DelayedStep } {
  const position = reducedAxis(view, axis, "subtractMean");
  const length = view.shape[position]!;
  const { start, stop } = range ?? { start: 0, stop: length };
  if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > length)
    throw new InvalidSelectionError(
      axis,
      `subtractMean: range ${start}:${stop} does not fit the view's ${length} elements of '${axis}'`,
    );
  if (stop <= start)
    throw new InvalidSelectionError(
      axis,
      `subtractMean: range ${start}:${stop} is empty; the mean needs at least one element`,
    );
  return {
    selector: { op: "subtract_mean", axis, start, stop },
    step: {
      kind: "mean",
      axis: position,
      window: Int32Array.from({ length: stop - start }, (_, i) => start + i),
    },
  };
}

/** The element of `axis` with id `id` subtracted from every element of the axis. */
export function resolveSubtractElement(
  view: OperandView,
  axis: string,
  id: string | number | bigint,
): { selector: TransformSelector; step: DelayedStep } {
  const position = reducedAxis(view, axis, "subtractElement");
  const index = view.indexOfId(axis, id);
  return {
    selector: { op: "subtract_element", axis, id: typeof id === "bigint" ? String(id) : id },
    step: { kind: "mean", axis: position, window: Int32Array.of(index) },
  };
}

/** The elements of `axis` replaced by `matrix · x + offset` (see `TensorView.linearMap`). */
export function resolveLinearMap(
  view: OperandView,
  axis: string,
  matrix: ArrayLike<ArrayLike<number>>,
  offset: ArrayLike<number> | undefined,
): { selector: TransformSelector; step: DelayedStep } {
  const position = reducedAxis(view, axis, "linearMap");
  const n = view.shape[position]!;
  if (matrix === null || typeof matrix !== "object" || matrix.length !== n)
    throw new InvalidSelectionError(
      axis,
      `linearMap: the matrix needs ${n} rows of ${n} values for the view's ${n} elements of '${axis}', got ${matrix?.length ?? typeof matrix} rows`,
    );
  const flat = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const row = matrix[j];
    if (row === null || typeof row !== "object" || row.length !== n)
      throw new InvalidSelectionError(
        axis,
        `linearMap: row ${j} of the matrix has ${row?.length ?? typeof row} values; each row needs ${n} (the matrix is square)`,
      );
    for (let i = 0; i < n; i++) flat[j * n + i] = finite(row[i], `linearMap.matrix[${j}][${i}]`);
  }
  let shift: Float64Array | undefined;
  if (offset !== undefined) {
    if (offset === null || typeof offset !== "object" || offset.length !== n)
      throw new InvalidSelectionError(
        axis,
        `linearMap: offset needs one value per element of '${axis}' (${n}), got ${offset?.length ?? typeof offset}`,
      );
    shift = Float64Array.from({ length: n }, (_, j) => finite(offset[j], `linearMap.offset[${j}]`));
  }
  const rows = Array.from({ length: n }, (_, j) => Array.from(flat.subarray(j * n, (j + 1) * n)));
  const selector: TransformSelector =
    shift === undefined
      ? { op: "linear_map", axis, matrix: rows }
      : { op: "linear_map", axis, matrix: rows, offset: Array.from(shift) };
  return { selector, step: { kind: "linear", axis: position, matrix: flat, offset: shift } };
}

/** The unary function `op`. */
export function resolveUnary(op: UnaryOperator): {
  selector: TransformSelector;
  step: DelayedStep;
} {
  return { selector: { op }, step: { kind: "unary", op } };
}

/** The lineage of a view with `step` applied on top of `lineage` (a view of `shape` and `dtype`). */
export function withOperation(
  lineage: Lineage,
  shape: readonly number[],
  dtype: DType,
  resolved: { selector: TransformSelector; step: DelayedStep },
): Lineage {
  const op: DelayedOp = {
    ...resolved,
    input: lineage,
    shape: Object.freeze([...shape]),
    dtype: transformedDType(dtype),
  };
  const index = Object.freeze(shape.map((n) => Int32Array.from({ length: n }, (_, i) => i)));
  return { positions: lineage.positions, top: { op, index } };
}
