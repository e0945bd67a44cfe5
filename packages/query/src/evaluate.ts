/**
 * Evaluates a query column-wise over a metadata table, with pandas semantics for nulls: one
 * function per node kind over a small {@link EvalContext}, each checking its operands' types and
 * handing the row loops to `vector-ops.ts`.
 */

import type { MetaTable } from "@tt/schema";
import type { ArithmeticOp, ComparisonOp, LiteralValue, QueryNode } from "./ast.js";
import { clip, listNames, queryError } from "./messages.js";
import { KEYWORDS } from "./parser.js";
import { closestName } from "./suggest.js";
import {
  applyArithmetic,
  arithmeticVectors,
  type BoolVector,
  compareToScalar,
  compareVectors,
  condition,
  filledBoolean,
  holds,
  logicalVectors,
  MIRRORED,
  membershipMask,
  type NumberVector,
  negateVector,
  nullMask,
  overwriteNulls,
} from "./vector-ops.js";
import {
  columnVector,
  literalLabel,
  type Operand,
  parseIsoMicros,
  type Scalar,
  toMask,
  type Vector,
} from "./vectors.js";

/** What every step of one evaluation shares: the table, its row count and the columns read. */
interface EvalContext {
  readonly table: MetaTable;
  /** The query's text, for error messages. */
  readonly expression: string;
  /** Rows of the table: the length of every vector. */
  readonly rows: number;
  /** Columns already turned into vectors, by name. */
  readonly columns: Map<string, Vector>;
}

/** The node of kind `K`. */
type NodeOf<K extends QueryNode["kind"]> = Extract<QueryNode, { kind: K }>;

/**
 * The rows of `table` that satisfy the parsed query `tree` (1 = selected). Comparisons with
 * null are false except `!=` and `not in`, which are true, as in pandas; `not` of a null
 * boolean is null, and null rows are never selected.
 */
export function evaluateQuery(tree: QueryNode, table: MetaTable, expression: string): Uint8Array {
  const ctx: EvalContext = { table, expression, rows: table.numRows, columns: new Map() };
  const result = evaluate(tree, ctx);
  if (result.type === "scalar" && typeof result.value === "boolean")
    return new Uint8Array(ctx.rows).fill(result.value ? 1 : 0);
  return toMask(asBoolean(ctx, result, tree.pos, tree));
}

/** The value of `node`: dispatches on its kind. */
function evaluate(node: QueryNode, ctx: EvalContext): Operand {
  switch (node.kind) {
    case "literal":
      return { type: "scalar", value: node.value, label: literalLabel(node.value) };
    case "column":
      return readColumn(ctx, node.name, node.pos);
    case "list":
      return evaluateList(node, ctx);
    case "not":
      return evaluateNot(node, ctx);
    case "logical":
      return evaluateLogical(node, ctx);
    case "negate":
      return evaluateNegate(node, ctx);
    case "arithmetic":
      return evaluateArithmetic(node, ctx);
    case "compare":
      return evaluateCompare(node, ctx);
    case "membership":
      return evaluateMembership(node, ctx);
    case "call":
      return node.name === "between" ? evaluateBetween(node, ctx) : evaluateNullTest(node, ctx);
  }
}

/** A QueryError at `pos` of the expression. */
function fail(ctx: EvalContext, pos: number, reason: string): never {
  throw queryError(ctx.expression, pos, reason);
}

/** The vector of column `name`, read once per evaluation; an unknown column names the closest. */
function readColumn(ctx: EvalContext, name: string, pos: number): Vector {
  const cached = ctx.columns.get(name);
  if (cached) return cached;
  const { table } = ctx;
  if (!table.has(name)) {
    const available = table.columnNames;
    const suggestion = closestName(name, available);
    fail(
      ctx,
      pos,
      `unknown column '${clip(name)}'${suggestion ? `; did you mean '${clip(suggestion)}'?` : "."} Available columns: ${listNames(available) || "(none)"}`,
    );
  }
  const vector = columnVector(name, table.column(name));
  if (vector === undefined)
    fail(
      ctx,
      pos,
      `column '${clip(name)}' is ${table.column(name).type}, which queries cannot compare`,
    );
  ctx.columns.set(name, vector);
  return vector;
}

/** `operand` as a boolean vector (a boolean literal broadcast), or an error with a hint. */
function asBoolean(
  ctx: EvalContext,
  operand: Operand,
  pos: number,
  source?: QueryNode,
): BoolVector {
  if (operand.type === "boolean") return operand;
  if (operand.type === "scalar" && typeof operand.value === "boolean")
    return filledBoolean(ctx.rows, operand.value, operand.label);
  // The example must be valid query syntax: a column name bare or in backticks, never in quotes.
  const name = source?.kind === "column" ? source.name : undefined;
  const bare = name !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name);
  const example = name === undefined ? "(...)" : bare ? name : `\`${name}\``;
  const hint = operand.type === "number" ? `; compare it, for example ${example} > 0` : "";
  return fail(ctx, pos, `${operand.label} is not a boolean condition${hint}`);
}

/** A list literal: its items must be literals. */
function evaluateList(node: NodeOf<"list">, ctx: EvalContext): Operand {
  const items = node.items.map((item) => {
    const value = evaluate(item, ctx);
    if (value.type !== "scalar") return fail(ctx, item.pos, "a list may hold only literal values");
    return value.value;
  });
  return { type: "list", items, label: "a list" };
}

/** `not x` of a boolean operand. */
function evaluateNot(node: NodeOf<"not">, ctx: EvalContext): Operand {
  const operand = asBoolean(ctx, evaluate(node.operand, ctx), node.pos, node.operand);
  return negateVector(operand, ctx.rows);
}

/** `a and b`, `a or b` of boolean operands, the left one checked before the right is evaluated. */
function evaluateLogical(node: NodeOf<"logical">, ctx: EvalContext): Operand {
  const left = asBoolean(ctx, evaluate(node.left, ctx), node.left.pos, node.left);
  const right = asBoolean(ctx, evaluate(node.right, ctx), node.right.pos, node.right);
  return logicalVectors(node.op, left, right, ctx.rows);
}

/** `-x`, as `-1 * x`. */
function evaluateNegate(node: NodeOf<"negate">, ctx: EvalContext): Operand {
  const minusOne: Scalar = { type: "scalar", value: -1, label: "number -1" };
  return arithmetic(ctx, "*", minusOne, evaluate(node.operand, ctx), node.pos);
}

/** `a + b`, `a - b`, `a * b`, `a / b`. */
function evaluateArithmetic(node: NodeOf<"arithmetic">, ctx: EvalContext): Operand {
  const left = evaluate(node.left, ctx);
  return arithmetic(ctx, node.op, left, evaluate(node.right, ctx), node.pos);
}

/** `operand` as a number vector, a number or null, or an error naming `what` needs numbers. */
function numeric(
  ctx: EvalContext,
  operand: Operand,
  pos: number,
  what: string,
): NumberVector | number | null {
  if (operand.type === "number") return operand;
  if (operand.type === "scalar" && (typeof operand.value === "number" || operand.value === null))
    return operand.value;
  return fail(ctx, pos, `${what} needs numbers, got ${operand.label}`);
}

/** `left op right` of numbers: a scalar when both are numbers, else a vector. */
function arithmetic(
  ctx: EvalContext,
  op: ArithmeticOp,
  left: Operand,
  right: Operand,
  pos: number,
): Operand {
  const a = numeric(ctx, left, pos, `'${op}'`);
  const b = numeric(ctx, right, pos, `'${op}'`);
  // typeof null is "object": a null side broadcasts as a vector of nulls.
  if (typeof a !== "object" && typeof b !== "object") {
    const value = applyArithmetic(op, a, b);
    return { type: "scalar", value, label: literalLabel(value) };
  }
  return arithmeticVectors(op, a, b, ctx.rows, `${left.label} ${op} ${right.label}`);
}

/** Comparable keys of an operand against another operand's type, or a type error. */
function keysFor(
  ctx: EvalContext,
  operand: Operand,
  other: Operand,
  pos: number,
): ArrayLike<unknown> | LiteralValue {
  if (operand.type === "list") return fail(ctx, pos, "a list can only follow in or not in");
  if (operand.type !== "scalar") return operand.values;
  const value = operand.value;
  if (other.type === "timestamp" && typeof value === "string") {
    const micros = parseIsoMicros(value);
    if (micros === undefined)
      fail(
        ctx,
        pos,
        `${operand.label} is not an ISO date or date-time to compare with ${other.label}`,
      );
    return micros!;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  return value as LiteralValue;
}

/** What `x` compares as beside `y`: a vector type, a literal's type, or "null". */
function kindOf(ctx: EvalContext, x: Operand, y: Operand, pos: number, op: string): string {
  if (x.type === "list") return fail(ctx, pos, `'${op}' cannot take a list; use in or not in`);
  if (x.type !== "scalar") return x.type;
  if (x.value === null) return "null";
  if (typeof x.value === "string" && y.type === "timestamp") return "timestamp";
  return typeof x.value;
}

/** Fails unless `a` and `b` compare as the same kind (null compares with anything). */
function checkSameKind(ctx: EvalContext, a: Operand, b: Operand, pos: number, op: string): void {
  const ka = kindOf(ctx, a, b, pos, op);
  const kb = kindOf(ctx, b, a, pos, op);
  if (ka !== kb && ka !== "null" && kb !== "null")
    fail(ctx, pos, `cannot compare ${a.label} with ${b.label}`);
}

/** Whether comparison keys are a vector rather than one value. */
function isVector(keys: unknown): keys is ArrayLike<unknown> {
  return typeof keys === "object" && keys !== null;
}

/** The validity of an operand's rows: undefined for a scalar, a list or a vector without nulls. */
function validityOf(operand: Operand): Uint8Array | undefined {
  return operand.type !== "scalar" && operand.type !== "list" ? operand.valid : undefined;
}

/** `a == b`, `a < b`, ... */
function evaluateCompare(node: NodeOf<"compare">, ctx: EvalContext): Operand {
  const left = evaluate(node.left, ctx);
  return compare(ctx, node.op, left, evaluate(node.right, ctx), node.pos);
}

/** `left op right`: null rows compare as false, except with `!=`, as true. */
function compare(
  ctx: EvalContext,
  op: ComparisonOp,
  left: Operand,
  right: Operand,
  pos: number,
): Operand {
  checkSameKind(ctx, left, right, pos, op);
  const nullResult = op === "!=" ? 1 : 0;
  const a = keysFor(ctx, left, right, pos);
  const b = keysFor(ctx, right, left, pos);
  if (!isVector(a) && !isVector(b)) {
    const value = a === null || b === null ? nullResult === 1 : holds(op, a, b);
    return { type: "scalar", value, label: "a condition" };
  }
  const values = new Uint8Array(ctx.rows);
  if ((!isVector(a) && a === null) || (!isVector(b) && b === null)) {
    values.fill(nullResult);
    return condition(values);
  }
  if (isVector(a) && isVector(b)) compareVectors(op, a, b, values);
  else if (isVector(a)) compareToScalar(op, a, b, values);
  else compareToScalar(MIRRORED[op], b as ArrayLike<unknown>, a, values);
  overwriteNulls(values, validityOf(left), nullResult);
  overwriteNulls(values, validityOf(right), nullResult);
  return condition(values);
}

/** `x in [...]`, `x not in [...]`: a column against a list literal; a null row is in no list. */
function evaluateMembership(node: NodeOf<"membership">, ctx: EvalContext): Operand {
  const value = evaluate(node.value, ctx);
  const list = evaluate(node.list, ctx);
  const { negated, pos } = node;
  if (list.type !== "list")
    return fail(
      ctx,
      pos,
      `${negated ? "not in" : "in"} needs a list literal such as ['A', 'B'], got ${list.label}`,
    );
  if (value.type === "scalar" || value.type === "list")
    return fail(ctx, pos, `${negated ? "not in" : "in"} needs a column on its left`);
  const wanted = new Set<unknown>();
  for (const item of list.items) {
    if (item === null) continue;
    const literal: Scalar = { type: "scalar", value: item, label: literalLabel(item) };
    checkSameKind(ctx, value, literal, pos, "in");
    // keysFor rejects a string that is no ISO date, instead of silently matching nothing.
    wanted.add(keysFor(ctx, literal, value, pos));
  }
  return membershipMask(value, wanted, negated, ctx.rows);
}

/** `between(x, low, high)`: `x >= low and x <= high`. */
function evaluateBetween(node: NodeOf<"call">, ctx: EvalContext): Operand {
  const [x, low, high] = node.args as [QueryNode, QueryNode, QueryNode];
  const value = evaluate(x, ctx);
  const lower = compare(ctx, ">=", value, evaluate(low, ctx), node.pos);
  const upper = compare(ctx, "<=", value, evaluate(high, ctx), node.pos);
  return logicalVectors(
    "and",
    asBoolean(ctx, lower, node.pos),
    asBoolean(ctx, upper, node.pos),
    ctx.rows,
  );
}

/** `isnull(x)`, `notnull(x)` and their method forms; NaN counts as null, as in pandas. */
function evaluateNullTest(node: NodeOf<"call">, ctx: EvalContext): Operand {
  const operand = evaluate(node.args[0]!, ctx);
  const wantNull = node.name === "isnull";
  if (operand.type === "scalar")
    return { type: "scalar", value: (operand.value === null) === wantNull, label: "a condition" };
  if (operand.type === "list")
    return fail(ctx, node.pos, `${node.name}() takes a column, not a list`);
  return nullMask(operand, wantNull, ctx.rows);
}
