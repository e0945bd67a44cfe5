/**
 * The delayed operations applied in place to a block of float data in C order: arithmetic with a
 * number or a vector along one axis, element-wise functions, means over part of an axis
 * subtracted. Arithmetic is done in float64 and stored in the block's type, so float32 data is
 * rounded once per operation.
 */

import type { ArithmeticOperator, UnaryOperator } from "./delayed-ops.js";

/** A block of float data. */
export type Floats = Float32Array | Float64Array;

/** The number of elements before, along and after `axis` of a C-order `shape`. */
function around(shape: readonly number[], axis: number) {
  let outer = 1;
  for (let a = 0; a < axis; a++) outer *= shape[a]!;
  let inner = 1;
  for (let a = axis + 1; a < shape.length; a++) inner *= shape[a]!;
  return { outer, length: shape[axis]!, inner };
}

/*
 * One loop per operator, so that each stays monomorphic: `run` is the number of consecutive
 * elements that share a value, `values[at[j]]` the value of the j-th run of each outer block.
 */

function addRuns(data: Floats, outer: number, at: Int32Array, run: number, values: Float64Array) {
  let i = 0;
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < at.length; j++) {
      const v = values[at[j]!]!;
      for (const end = i + run; i < end; i++) data[i] = data[i]! + v;
    }
}

function subtractRuns(
  data: Floats,
  outer: number,
  at: Int32Array,
  run: number,
  values: Float64Array,
) {
  let i = 0;
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < at.length; j++) {
      const v = values[at[j]!]!;
      for (const end = i + run; i < end; i++) data[i] = data[i]! - v;
    }
}

function multiplyRuns(
  data: Floats,
  outer: number,
  at: Int32Array,
  run: number,
  values: Float64Array,
) {
  let i = 0;
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < at.length; j++) {
      const v = values[at[j]!]!;
      for (const end = i + run; i < end; i++) data[i] = data[i]! * v;
    }
}

function divideRuns(
  data: Floats,
  outer: number,
  at: Int32Array,
  run: number,
  values: Float64Array,
) {
  let i = 0;
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < at.length; j++) {
      const v = values[at[j]!]!;
      for (const end = i + run; i < end; i++) data[i] = data[i]! / v;
    }
}

const RUNS = {
  add: addRuns,
  subtract: subtractRuns,
  multiply: multiplyRuns,
  divide: divideRuns,
} as const;

const SCALAR_AT = Int32Array.of(0);

/**
 * `data op values[at[j]]` for the elements at position `j` of `axis` of a block of `shape`, or
 * `data op values[0]` for all when `axis` is -1.
 */
export function applyArithmetic(
  data: Floats,
  shape: readonly number[],
  op: ArithmeticOperator,
  axis: number,
  values: Float64Array,
  at: Int32Array | undefined,
): void {
  if (axis < 0) RUNS[op](data, 1, SCALAR_AT, data.length, values);
  else RUNS[op](data, around(shape, axis).outer, at!, around(shape, axis).inner, values);
}

/** `log1p`, `sqrt` or `abs` of every element (NaN outside the domain, as Math and numpy). */
export function applyUnary(data: Floats, op: UnaryOperator): void {
  const n = data.length;
  if (op === "log1p") for (let i = 0; i < n; i++) data[i] = Math.log1p(data[i]!);
  else if (op === "sqrt") for (let i = 0; i < n; i++) data[i] = Math.sqrt(data[i]!);
  else for (let i = 0; i < n; i++) data[i] = Math.abs(data[i]!);
}

/**
 * Subtracts from every element of `data` (a block of `shape`) the mean, in float64, of the values
 * of `source` at positions `columns` of `axis`, at the same positions of the other axes. `source`
 * has the shape of `data` but `sourceLength` elements along `axis`; it may be `data` itself (the
 * means are taken before anything is subtracted).
 */
export function subtractMeans(
  data: Floats,
  shape: readonly number[],
  axis: number,
  source: Floats,
  sourceLength: number,
  columns: Int32Array,
): void {
  const { outer, length, inner } = around(shape, axis);
  const means = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const row = o * inner;
    for (let k = 0; k < columns.length; k++) {
      const from = (o * sourceLength + columns[k]!) * inner;
      for (let i = 0; i < inner; i++) means[row + i] = means[row + i]! + source[from + i]!;
    }
  }
  const count = columns.length;
  for (let m = 0; m < means.length; m++) means[m] = means[m]! / count;
  let at = 0;
  for (let o = 0; o < outer; o++) {
    const row = o * inner;
    for (let j = 0; j < length; j++)
      for (let i = 0; i < inner; i++, at++) data[at] = data[at]! - means[row + i]!;
  }
}
