/**
 * The column-wise loops of the evaluator: each takes vectors already checked for type and fills a
 * new vector of `n` rows, so the checks and messages stay in `evaluate.ts` and these stay tight.
 */

import type { ArithmeticOp, ComparisonOp } from "./ast.js";
import type { Vector } from "./vectors.js";

/** A boolean vector: one 0 or 1 per row, with validity. */
export type BoolVector = Extract<Vector, { type: "boolean" }>;
/** A number vector: one number per row, with validity. */
export type NumberVector = Extract<Vector, { type: "number" }>;

/** The boolean vector of `value` on every row. */
export function filledBoolean(n: number, value: boolean, label: string): BoolVector {
  return {
    type: "boolean",
    values: new Uint8Array(n).fill(value ? 1 : 0),
    valid: undefined,
    label,
  };
}

/** A condition from per-row results with no nulls (null rows were already decided). */
export function condition(values: Uint8Array): BoolVector {
  return { type: "boolean", values, valid: undefined, label: "a condition" };
}

/** `not` of every row; a null row stays null. */
export function negateVector(operand: BoolVector, n: number): BoolVector {
  const values = new Uint8Array(n);
  for (let i = 0; i < n; i++) values[i] = operand.values[i] ? 0 : 1;
  return { type: "boolean", values, valid: operand.valid, label: "a condition" };
}

/** `a and b` or `a or b` row by row, in Kleene logic where a side is null. */
export function logicalVectors(
  op: "and" | "or",
  a: BoolVector,
  b: BoolVector,
  n: number,
): BoolVector {
  const values = new Uint8Array(n);
  if (a.valid === undefined && b.valid === undefined) {
    if (op === "and") for (let i = 0; i < n; i++) values[i] = a.values[i]! & b.values[i]!;
    else for (let i = 0; i < n; i++) values[i] = a.values[i]! | b.values[i]!;
    return condition(values);
  }
  const valid = a.valid || b.valid ? new Uint8Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const av = a.valid ? a.valid[i]! : 1;
    const bv = b.valid ? b.valid[i]! : 1;
    const x = a.values[i]! & av;
    const y = b.values[i]! & bv;
    if (op === "and") {
      values[i] = x & y;
      // Kleene logic: false decides an and; otherwise a null side leaves it unknown.
      if (valid) valid[i] = (av && bv) || (av && !a.values[i]) || (bv && !b.values[i]) ? 1 : 0;
    } else {
      values[i] = x | y;
      if (valid) valid[i] = (av && bv) || x || y ? 1 : 0;
    }
  }
  return { type: "boolean", values, valid, label: "a condition" };
}

/** `x op y` for one pair of numbers. */
export function applyArithmetic(op: ArithmeticOp, x: number, y: number): number {
  return op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : x / y;
}

/**
 * `a op b` row by row, where each side is a number vector or a number broadcast to every row
 * (`null`: every row is null), at least one of them a vector or null.
 */
export function arithmeticVectors(
  op: ArithmeticOp,
  a: NumberVector | number | null,
  b: NumberVector | number | null,
  n: number,
  label: string,
): NumberVector {
  const values = new Float64Array(n);
  let valid: Uint8Array | undefined;
  const va = typeof a === "object" && a !== null ? a : undefined;
  const vb = typeof b === "object" && b !== null ? b : undefined;
  if (a === null || b === null) valid = new Uint8Array(n);
  else if (va?.valid || vb?.valid) {
    valid = new Uint8Array(n);
    for (let i = 0; i < n; i++)
      valid[i] = (va?.valid ? va.valid[i]! : 1) & (vb?.valid ? vb.valid[i]! : 1);
  }
  const sa = typeof a === "number" ? a : 0;
  const sb = typeof b === "number" ? b : 0;
  for (let i = 0; i < n; i++)
    values[i] = applyArithmetic(op, va ? va.values[i]! : sa, vb ? vb.values[i]! : sb);
  return { type: "number", values, valid, label };
}

/** Whether `x op y` holds for one pair of comparable keys. */
export function holds(op: ComparisonOp, x: unknown, y: unknown): boolean {
  switch (op) {
    case "==":
      return x === y;
    case "!=":
      return x !== y;
    case "<":
      return (x as number) < (y as number);
    case "<=":
      return (x as number) <= (y as number);
    case ">":
      return (x as number) > (y as number);
    default:
      return (x as number) >= (y as number);
  }
}

/** `values[i] = a[i] op b[i]`. */
export function compareVectors(
  op: ComparisonOp,
  a: ArrayLike<unknown>,
  b: ArrayLike<unknown>,
  values: Uint8Array,
): void {
  const n = values.length;
  for (let i = 0; i < n; i++) values[i] = holds(op, a[i], b[i]) ? 1 : 0;
}

/** The operator with its sides swapped: `s < x` is `x > s`. */
export const MIRRORED: Record<ComparisonOp, ComparisonOp> = {
  "==": "==",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

/** `values[i] = keys[i] op scalar`, one tight loop per operator. */
export function compareToScalar(
  op: ComparisonOp,
  keys: ArrayLike<unknown>,
  scalar: unknown,
  values: Uint8Array,
): void {
  const x = keys as ArrayLike<number>;
  const y = scalar as number;
  const n = values.length;
  switch (op) {
    case "==":
      for (let i = 0; i < n; i++) values[i] = x[i] === y ? 1 : 0;
      break;
    case "!=":
      for (let i = 0; i < n; i++) values[i] = x[i] !== y ? 1 : 0;
      break;
    case "<":
      for (let i = 0; i < n; i++) values[i] = x[i]! < y ? 1 : 0;
      break;
    case "<=":
      for (let i = 0; i < n; i++) values[i] = x[i]! <= y ? 1 : 0;
      break;
    case ">":
      for (let i = 0; i < n; i++) values[i] = x[i]! > y ? 1 : 0;
      break;
    case ">=":
      for (let i = 0; i < n; i++) values[i] = x[i]! >= y ? 1 : 0;
      break;
  }
}

/** Sets `values[i]` to `nullResult` on every row that `valid` marks null. */
export function overwriteNulls(
  values: Uint8Array,
  valid: Uint8Array | undefined,
  nullResult: number,
): void {
  if (valid === undefined) return;
  const n = values.length;
  for (let i = 0; i < n; i++) if (valid[i] === 0) values[i] = nullResult;
}

/** Whether each row's key is in `wanted` (negated: is not); a null row is in no list. */
export function membershipMask(
  value: Vector,
  wanted: ReadonlySet<unknown>,
  negated: boolean,
  n: number,
): BoolVector {
  const values = new Uint8Array(n);
  const keys = value.values as ArrayLike<unknown>;
  for (let i = 0; i < n; i++) {
    const missing = value.valid !== undefined && value.valid[i] === 0;
    const found = !missing && wanted.has(keys[i]);
    values[i] = missing ? (negated ? 1 : 0) : found !== negated ? 1 : 0;
  }
  return condition(values);
}

/** Whether each row is null (a NaN number counts as null), or with `wantNull` false is not. */
export function nullMask(operand: Vector, wantNull: boolean, n: number): BoolVector {
  const values = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const isNull =
      (operand.valid !== undefined && operand.valid[i] === 0) ||
      (operand.type === "number" && Number.isNaN(operand.values[i]));
    values[i] = isNull === wantNull ? 1 : 0;
  }
  return condition(values);
}
