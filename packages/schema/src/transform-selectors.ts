/**
 * Delayed element-wise operations of a view as plain JSON selectors: arithmetic with a number or
 * with one value per element of an axis, `log1p`, `sqrt`, `abs`, the mean over a range of an axis
 * subtracted, one element of an axis subtracted, linear combinations of the elements of an axis. They are recorded with a view's selection
 * selectors, in order, so a result's `input_ref` replays them.
 */

import { describeType } from "./paths.js";

/** The arithmetic operators of {@link ArithmeticSelector}. */
export const ARITHMETIC_OPS = Object.freeze(["add", "subtract", "multiply", "divide"] as const);
/** The element-wise functions of {@link UnarySelector}. */
export const UNARY_OPS = Object.freeze(["log1p", "sqrt", "abs"] as const);

/**
 * `x op value` for every element, or `x op values[j]` for the elements at position `j` of `axis`
 * (the view's positions when the operation was added); operands are finite numbers.
 */
export type ArithmeticSelector =
  | { op: (typeof ARITHMETIC_OPS)[number]; value: number }
  | { op: (typeof ARITHMETIC_OPS)[number]; axis: string; values: number[] };

/** `log1p(x)`, `sqrt(x)` or `|x|` for every element (NaN outside the domain, as numpy). */
export interface UnarySelector {
  op: (typeof UNARY_OPS)[number];
}

/**
 * For every element of the other axes, subtracts the mean of the values at positions `start` to
 * `stop` (exclusive) of `axis`, counted in the view when the operation was added.
 */
export interface SubtractMeanSelector {
  op: "subtract_mean";
  axis: string;
  start: number;
  stop: number;
}

/** Subtracts from every element of `axis` the value of its element with id `id` (int64 as a decimal string). */
export interface SubtractElementSelector {
  op: "subtract_element";
  axis: string;
  id: string | number;
}

/**
 * For every element of the other axes, the elements of `axis` replaced by linear combinations of
 * them: output element `j` is `Σ_i matrix[j][i] · x_i + offset[j]` (no offset when omitted).
 * `matrix` is square, n × n for the n elements of `axis` in the view when the operation was added:
 * a spatial filter, a re-reference, the data without chosen ICA components.
 */
export interface LinearMapSelector {
  op: "linear_map";
  axis: string;
  matrix: number[][];
  offset?: number[];
}

/**
 * A delayed element-wise operation: the data changes, the selection does not. Views record them
 * among their selectors (`view.toJSON().selectors`), as a result's `input_ref` does.
 *
 * @example
 * ```ts
 * const recorded: TransformSelector[] = [
 *   { op: "subtract_mean", axis: "sample", start: 0, stop: 100 }, // baseline
 *   { op: "subtract_element", axis: "channel", id: "Cz" },         // reference channel
 *   { op: "divide", axis: "sample", values: [2, 4, 8] },          // one value per sample
 *   { op: "multiply", value: 1e6 },
 *   { op: "log1p" },
 *   { op: "linear_map", axis: "channel", matrix: [[1, -1], [0, 1]] }, // a bipolar pair
 * ];
 * validateSelectors(recorded); // checked: an error names selectors[i] and the field
 * ```
 */
export type TransformSelector =
  | ArithmeticSelector
  | UnarySelector
  | SubtractMeanSelector
  | SubtractElementSelector
  | LinearMapSelector;

/** The `op` of every transform selector. */
export const TRANSFORM_OPS: readonly string[] = Object.freeze([
  ...ARITHMETIC_OPS,
  ...UNARY_OPS,
  "subtract_mean",
  "subtract_element",
  "linear_map",
]);

/**
 * Whether `selector` is a delayed operation rather than a selection.
 *
 * @example
 * ```ts
 * const { selectors } = dataset.slice("sample", 0, 500).log1p().toJSON();
 * selectors.map(isTransformSelector); // [false, true]
 * ```
 */
export function isTransformSelector(selector: { op: string }): selector is TransformSelector {
  return TRANSFORM_OPS.includes(selector.op);
}

/** Fails with `message` about the field `key` (a JSON path below the selector, "" for itself). */
type Fail = (key: string, message: string) => never;

/** Fails unless the selector's keys are exactly `allowed` (besides `op`). */
function exactKeys(s: Record<string, unknown>, allowed: readonly string[], fail: Fail): void {
  for (const key of allowed) if (!(key in s)) fail(`.${key}`, "is missing");
  const extra = Object.keys(s).filter((key) => key !== "op" && !allowed.includes(key));
  if (extra.length > 0)
    fail(
      "",
      `${s.op} takes ${allowed.join(", ") || "no fields"}; unknown field${extra.length > 1 ? "s" : ""} ${extra.join(", ")}`,
    );
}

function checkAxis(value: unknown, fail: Fail): void {
  if (typeof value !== "string" || value.length === 0)
    fail(".axis", `must be a non-empty string, got ${describeType(value)}`);
}

function checkFinite(value: unknown, key: string, fail: Fail): void {
  if (typeof value !== "number" || !Number.isFinite(value))
    fail(key, `must be a finite number, got ${describeType(value)}`);
}

function checkArithmetic(s: Record<string, unknown>, fail: Fail): void {
  if (!("value" in s) && !("values" in s))
    fail("", `${s.op} needs value (a number) or axis and values (one number per element)`);
  if ("value" in s) {
    exactKeys(s, ["value"], fail);
    checkFinite(s.value, ".value", fail);
    return;
  }
  exactKeys(s, ["axis", "values"], fail);
  checkAxis(s.axis, fail);
  if (!Array.isArray(s.values))
    fail(".values", `must be an array of finite numbers, got ${describeType(s.values)}`);
  for (const [j, v] of (s.values as unknown[]).entries()) checkFinite(v, `.values[${j}]`, fail);
}

function checkSubtractMean(s: Record<string, unknown>, fail: Fail): void {
  exactKeys(s, ["axis", "start", "stop"], fail);
  checkAxis(s.axis, fail);
  for (const key of ["start", "stop"] as const) {
    const n = s[key];
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0)
      fail(`.${key}`, `must be a non-negative integer, got ${describeType(n)}`);
  }
  if ((s.stop as number) <= (s.start as number))
    fail(".stop", `${s.stop} must be after start ${s.start} (the range may not be empty)`);
}

/**
 * Checks one transform selector (its `op` is one of {@link TRANSFORM_OPS}); `fail` throws naming
 * the field, e.g. `selectors[2].values[4]`.
 */
export function checkTransformSelector(s: Record<string, unknown>, fail: Fail): void {
  const op = s.op as string;
  if ((ARITHMETIC_OPS as readonly string[]).includes(op)) checkArithmetic(s, fail);
  else if ((UNARY_OPS as readonly string[]).includes(op)) exactKeys(s, [], fail);
  else if (op === "subtract_mean") checkSubtractMean(s, fail);
  else if (op === "linear_map") checkLinearMap(s, fail);
  else checkSubtractElement(s, fail);
}

function checkLinearMap(s: Record<string, unknown>, fail: Fail): void {
  exactKeys(s, "offset" in s ? ["axis", "matrix", "offset"] : ["axis", "matrix"], fail);
  checkAxis(s.axis, fail);
  const { matrix } = s;
  if (!Array.isArray(matrix) || matrix.length === 0)
    fail(".matrix", `must be a non-empty array of rows, got ${describeType(matrix)}`);
  const n = (matrix as unknown[]).length;
  for (const [j, row] of (matrix as unknown[]).entries()) {
    if (!Array.isArray(row) || row.length !== n)
      fail(
        `.matrix[${j}]`,
        `must be a row of ${n} numbers (the matrix is square), got ${describeType(row)}`,
      );
    for (const [i, v] of (row as unknown[]).entries()) checkFinite(v, `.matrix[${j}][${i}]`, fail);
  }
  if ("offset" in s) {
    if (!Array.isArray(s.offset) || s.offset.length !== n)
      fail(".offset", `must be an array of ${n} finite numbers, got ${describeType(s.offset)}`);
    for (const [j, v] of (s.offset as unknown[]).entries()) checkFinite(v, `.offset[${j}]`, fail);
  }
}

function checkSubtractElement(s: Record<string, unknown>, fail: Fail): void {
  exactKeys(s, ["axis", "id"], fail);
  checkAxis(s.axis, fail);
  const { id } = s;
  if (!(typeof id === "string" || (typeof id === "number" && Number.isFinite(id))))
    fail(".id", `must be a string or a finite number, got ${describeType(id)}`);
}
