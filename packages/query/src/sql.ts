/** Compiles a query to parameterized SQL (DuckDB dialect) with the same null semantics. */

import type { LogicalType } from "@tt/schema";
import type { LiteralValue, QueryNode } from "./ast.js";
import { clip, queryError } from "./messages.js";
import { parseQuery } from "./parser.js";
import { parseIsoMicros } from "./vectors.js";

/** A SQL boolean expression and the values of its `?` parameters, in order. */
export interface SqlQuery {
  /** The condition, for a WHERE clause. */
  sql: string;
  /** Values bound to the `?` placeholders. */
  params: (string | number | boolean)[];
}

/** Options of {@link compileQueryToSql}. */
export interface SqlOptions {
  /** Column types, so that timestamp comparisons cast ISO strings and NaN compares as in the evaluator. */
  columns?: Readonly<Record<string, LogicalType>>;
}

/** `name` as a quoted SQL identifier. */
function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * An ISO date or date-time as an explicit UTC instant with microseconds, as the evaluator reads
 * it; DuckDB would read a string without a zone in the session's TimeZone.
 */
function utcInstant(text: string, expression: string, pos: number): string {
  const micros = parseIsoMicros(text);
  if (micros === undefined) {
    throw queryError(
      expression,
      pos,
      `string ${JSON.stringify(clip(text))} is not an ISO date or date-time to compare with a timestamp column`,
    );
  }
  const seconds = Math.floor(micros / 1e6);
  const fraction = String(micros - seconds * 1e6).padStart(6, "0");
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}

/**
 * The SQL condition for `expression`: comparisons are wrapped so that null compares as false
 * (true for `!=` and `not in`), matching the evaluator, and every literal is a parameter, so
 * no user text reaches the SQL itself.
 *
 * @example
 * ```ts
 * const { sql, params } = compileQueryToSql("label == 'target' and score > 0.8");
 * // sql: (COALESCE(("label" = ?), FALSE) AND COALESCE(("score" > ?), FALSE)), params: ["target", 0.8]
 * ```
 */
export function compileQueryToSql(expression: string, options: SqlOptions = {}): SqlQuery {
  const ctx: SqlContext = { expression, types: options.columns ?? {}, params: [] };
  return { sql: compile(parseQuery(expression), ctx), params: ctx.params };
}

/** What compiling one query shares: its text, the column types and the parameters so far. */
interface SqlContext {
  /** The query's text, for error messages. */
  readonly expression: string;
  readonly types: Readonly<Record<string, LogicalType>>;
  /** Values of the `?` placeholders written so far, in order. */
  readonly params: (string | number | boolean)[];
}

/** The node of kind `K`. */
type NodeOf<K extends QueryNode["kind"]> = Extract<QueryNode, { kind: K }>;

/**
 * The SQL of `node`: dispatches on its kind. `beside` is the other side of the comparison a
 * literal is in, so that a string compared with a timestamp column becomes a timestamp.
 */
function compile(node: QueryNode, ctx: SqlContext, beside?: QueryNode): string {
  switch (node.kind) {
    case "literal":
      return literal(ctx, node.value, beside !== undefined && isTimestamp(ctx, beside), node.pos);
    case "column":
      return identifier(node.name);
    case "list":
      return node.items.map((item) => compile(item, ctx, beside)).join(", ");
    case "not":
      return `(NOT ${compile(node.operand, ctx)})`;
    case "negate":
      return `(-${compile(node.operand, ctx)})`;
    case "logical":
      return `(${compile(node.left, ctx)} ${node.op.toUpperCase()} ${compile(node.right, ctx)})`;
    case "arithmetic":
      return `(${compile(node.left, ctx)} ${node.op} ${compile(node.right, ctx)})`;
    case "compare":
      return compileCompare(node, ctx);
    case "membership":
      return compileMembership(node, ctx);
    case "call":
      return node.name === "between" ? compileBetween(node, ctx) : compileNullTest(node, ctx);
  }
}

/** Whether `node` is a column of timestamps. */
function isTimestamp(ctx: SqlContext, node: QueryNode): boolean {
  return node.kind === "column" && ctx.types[node.name] === "timestamp";
}

/**
 * Whether `node` can be NaN: float columns and arithmetic (0 / 0). DuckDB sorts NaN above every
 * number and has NaN = NaN; the evaluator, as pandas, makes every comparison with NaN false
 * except !=.
 */
function maybeNaN(ctx: SqlContext, node: QueryNode): boolean {
  const type = node.kind === "column" ? ctx.types[node.name] : undefined;
  return (
    node.kind === "arithmetic" || node.kind === "negate" || type === "float32" || type === "float64"
  );
}

/** `condition` with null as `fallback`, and false (true for `!=`) where a side is NaN. */
function nanGuard(
  ctx: SqlContext,
  condition: string,
  sides: QueryNode[],
  fallback: "TRUE" | "FALSE",
): string {
  const nan = sides
    .filter((side) => maybeNaN(ctx, side))
    .map((side) => `isnan(${compile(side, ctx)})`)
    .join(" OR ");
  if (nan === "") return `COALESCE(${condition}, ${fallback})`;
  return fallback === "TRUE"
    ? `COALESCE((${condition} OR ${nan}), TRUE)`
    : `COALESCE((${condition} AND NOT (${nan})), FALSE)`;
}

/** A literal: NULL, TRUE and FALSE as such, anything else a parameter. */
function literal(
  ctx: SqlContext,
  value: LiteralValue,
  castTimestamp: boolean,
  pos: number,
): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (castTimestamp && typeof value === "string") {
    ctx.params.push(utcInstant(value, ctx.expression, pos));
    return "CAST(? AS TIMESTAMPTZ)";
  }
  ctx.params.push(value);
  return "?";
}

/** `a op b`, null as false (true for `!=`). */
function compileCompare(node: NodeOf<"compare">, ctx: SqlContext): string {
  const op = node.op === "==" ? "=" : node.op === "!=" ? "<>" : node.op;
  const fallback = node.op === "!=" ? "TRUE" : "FALSE";
  const left = compile(node.left, ctx, node.right);
  const right = compile(node.right, ctx, node.left);
  return nanGuard(ctx, `(${left} ${op} ${right})`, [node.left, node.right], fallback);
}

/** `x IN (...)`, `x NOT IN (...)` without the null items, which match nothing. */
function compileMembership(node: NodeOf<"membership">, ctx: SqlContext): string {
  const items =
    node.list.kind === "list"
      ? node.list.items.filter((i) => !(i.kind === "literal" && i.value === null))
      : [node.list];
  if (items.length === 0) return node.negated ? "TRUE" : "FALSE";
  const list = items.map((item) => compile(item, ctx, node.value)).join(", ");
  const value = compile(node.value, ctx);
  return node.negated
    ? `COALESCE((${value} NOT IN (${list})), TRUE)`
    : `COALESCE((${value} IN (${list})), FALSE)`;
}

/** `x BETWEEN low AND high`, null or NaN as false. */
function compileBetween(node: NodeOf<"call">, ctx: SqlContext): string {
  const [x, low, high] = node.args as [QueryNode, QueryNode, QueryNode];
  const condition = `(${compile(x, ctx)} BETWEEN ${compile(low, ctx, x)} AND ${compile(high, ctx, x)})`;
  return nanGuard(ctx, condition, [x, low, high], "FALSE");
}

/** `x IS NULL` (or NaN), or its negation for notnull. */
function compileNullTest(node: NodeOf<"call">, ctx: SqlContext): string {
  const x = node.args[0]!;
  const missing = maybeNaN(ctx, x)
    ? `(${compile(x, ctx)} IS NULL OR isnan(${compile(x, ctx)}))`
    : `(${compile(x, ctx)} IS NULL)`;
  return node.name === "isnull" ? missing : `(NOT ${missing})`;
}
