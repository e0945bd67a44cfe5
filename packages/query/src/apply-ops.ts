/**
 * The delayed operations applied in place to one row of float data (one element of the first
 * axis, the other axes in C order) in JavaScript, where @tt/linalg's row kernels do not run:
 * arithmetic with a number or with a row of operands,
 * element-wise functions, means over part of an axis subtracted, linear maps along an axis. Arithmetic is done in float64
 * and stored in the row's type, so float32 data is rounded once per operation. Each loop does
 * one operator, so that it stays monomorphic and tight: a row is walked once per operation while
 * it sits in the cache.
 */

import type { ArithmeticOperator, UnaryOperator } from "./delayed-ops.js";

/** A row of float data. */
export type Floats = Float32Array | Float64Array;

/** `row[k] op value` for every element. */
export function applyScalar(row: Floats, op: ArithmeticOperator, value: number): void {
  const n = row.length;
  if (op === "add") for (let k = 0; k < n; k++) row[k] = row[k]! + value;
  else if (op === "subtract") for (let k = 0; k < n; k++) row[k] = row[k]! - value;
  else if (op === "multiply") for (let k = 0; k < n; k++) row[k] = row[k]! * value;
  else for (let k = 0; k < n; k++) row[k] = row[k]! / value;
}

/** `row[k] op operands[k]` for every element. */
export function applyOperands(row: Floats, op: ArithmeticOperator, operands: Float64Array): void {
  const n = row.length;
  if (op === "add") for (let k = 0; k < n; k++) row[k] = row[k]! + operands[k]!;
  else if (op === "subtract") for (let k = 0; k < n; k++) row[k] = row[k]! - operands[k]!;
  else if (op === "multiply") for (let k = 0; k < n; k++) row[k] = row[k]! * operands[k]!;
  else for (let k = 0; k < n; k++) row[k] = row[k]! / operands[k]!;
}

/** `log1p`, `sqrt` or `abs` of every element (NaN outside the domain, as Math and numpy). */
export function applyUnary(row: Floats, op: UnaryOperator): void {
  const n = row.length;
  if (op === "log1p") for (let k = 0; k < n; k++) row[k] = Math.log1p(row[k]!);
  else if (op === "sqrt") for (let k = 0; k < n; k++) row[k] = Math.sqrt(row[k]!);
  else for (let k = 0; k < n; k++) row[k] = Math.abs(row[k]!);
}

/** How a row is laid out around the axis a mean is taken over. */
export interface MeanLayout {
  /** Elements before, along and after the axis within a row. */
  readonly outer: number;
  readonly length: number;
  readonly inner: number;
  /** For every element of the row, the index of its mean in the row's means. */
  readonly meanOf: Int32Array;
}

/** The layout of a row of `shape` (the axes after the first) around axis `axis` of the row. */
export function meanLayout(shape: readonly number[], axis: number): MeanLayout {
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= shape[a]!;
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a]!;
  const length = shape[axis]!;
  const meanOf = new Int32Array(outer * length * inner);
  for (let o = 0, k = 0; o < outer; o++)
    for (let j = 0; j < length; j++) for (let i = 0; i < inner; i++) meanOf[k++] = o * inner + i;
  return { outer, length, inner, meanOf };
}

/**
 * The means, in float64, over positions `columns` of the axis, of a row of `source` laid out as
 * `layout` but with `sourceLength` elements along the axis; into `means` (outer x inner).
 */
export function rowMeans(
  source: Floats,
  layout: MeanLayout,
  sourceLength: number,
  columns: Int32Array,
  means: Float64Array,
): void {
  const { outer, inner } = layout;
  means.fill(0);
  for (let o = 0; o < outer; o++) {
    const at = o * inner;
    for (let c = 0; c < columns.length; c++) {
      const from = (o * sourceLength + columns[c]!) * inner;
      for (let i = 0; i < inner; i++) means[at + i] = means[at + i]! + source[from + i]!;
    }
  }
  const count = columns.length;
  for (let m = 0; m < means.length; m++) means[m] = means[m]! / count;
}

/** `row[k] - means[meanOf[k]]` for every element. */
export function subtractRowMeans(row: Floats, meanOf: Int32Array, means: Float64Array): void {
  const n = row.length;
  for (let k = 0; k < n; k++) row[k] = row[k]! - means[meanOf[k]!]!;
}

/**
 * One row of a linear map along an axis: for every `o`, `i` of `layout` (outer × inner around
 * the axis), `row[o, k, i] = Σ_c matrix[outputs[k]·n + c] · source[o, c, i] + offset[outputs[k]]`,
 * `source` laid out with the axis's `n` inputs (it may be `row` itself when `outputs` is every
 * input in order: the inputs are gathered first). `inputs` is scratch for `n` values.
 */
export function applyLinearMap(
  row: Floats,
  source: Floats,
  layout: Pick<MeanLayout, "outer" | "inner">,
  map: { matrix: Float64Array; offset: Float64Array | undefined; outputs: Int32Array },
  inputs: Float64Array,
): void {
  const { outer, inner } = layout;
  const { matrix, offset, outputs } = map;
  const n = inputs.length;
  const length = outputs.length;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      for (let c = 0; c < n; c++) inputs[c] = source[(o * n + c) * inner + i]!;
      for (let k = 0; k < length; k++) {
        const j = outputs[k]!;
        let sum = offset === undefined ? 0 : offset[j]!;
        for (let c = 0; c < n; c++) sum += matrix[j * n + c]! * inputs[c]!;
        row[(o * length + k) * inner + i] = sum;
      }
    }
}
