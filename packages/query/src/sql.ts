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
  const params: (string | number | boolean)[] = [];
  const types = options.columns ?? {};
  const isTimestamp = (node: QueryNode) =>
    node.kind === "column" && types[node.name] === "timestamp";
  // DuckDB sorts NaN above every number and has NaN = NaN; the evaluator, as pandas, makes every
  // comparison with NaN false except !=. Float columns and arithmetic (0 / 0) can be NaN.
  const maybeNaN = (node: QueryNode) =>
    node.kind === "arithmetic" ||
    node.kind === "negate" ||
    (node.kind === "column" && (types[node.name] === "float32" || types[node.name] === "float64"));
  const nanGuard = (condition: string, sides: QueryNode[], fallback: "TRUE" | "FALSE"): string => {
    const nan = sides
      .filter(maybeNaN)
      .map((side) => `isnan(${compile(side)})`)
      .join(" OR ");
    if (nan === "") return `COALESCE(${condition}, ${fallback})`;
    return fallback === "TRUE"
      ? `COALESCE((${condition} OR ${nan}), TRUE)`
      : `COALESCE((${condition} AND NOT (${nan})), FALSE)`;
  };
  const literal = (value: LiteralValue, castTimestamp: boolean, pos: number): string => {
    if (value === null) return "NULL";
    if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
    if (castTimestamp && typeof value === "string") {
      params.push(utcInstant(value, expression, pos));
      return "CAST(? AS TIMESTAMPTZ)";
    }
    params.push(value);
    return "?";
  };
  const compile = (node: QueryNode, beside?: QueryNode): string => {
    switch (node.kind) {
      case "literal":
        return literal(node.value, beside !== undefined && isTimestamp(beside), node.pos);
      case "column":
        return identifier(node.name);
      case "list":
        return node.items.map((item) => compile(item, beside)).join(", ");
      case "not":
        return `(NOT ${compile(node.operand)})`;
      case "negate":
        return `(-${compile(node.operand)})`;
      case "logical":
        return `(${compile(node.left)} ${node.op.toUpperCase()} ${compile(node.right)})`;
      case "arithmetic":
        return `(${compile(node.left)} ${node.op} ${compile(node.right)})`;
      case "compare": {
        const op = node.op === "==" ? "=" : node.op === "!=" ? "<>" : node.op;
        const fallback = node.op === "!=" ? "TRUE" : "FALSE";
        return nanGuard(
          `(${compile(node.left, node.right)} ${op} ${compile(node.right, node.left)})`,
          [node.left, node.right],
          fallback,
        );
      }
      case "membership": {
        const items =
          node.list.kind === "list"
            ? node.list.items.filter((i) => !(i.kind === "literal" && i.value === null))
            : [node.list];
        if (items.length === 0) return node.negated ? "TRUE" : "FALSE";
        const list = items.map((item) => compile(item, node.value)).join(", ");
        const value = compile(node.value);
        return node.negated
          ? `COALESCE((${value} NOT IN (${list})), TRUE)`
          : `COALESCE((${value} IN (${list})), FALSE)`;
      }
      case "call": {
        const [x, low, high] = node.args as [QueryNode, QueryNode, QueryNode];
        if (node.name === "between") {
          return nanGuard(
            `(${compile(x)} BETWEEN ${compile(low, x)} AND ${compile(high, x)})`,
            [x, low, high],
            "FALSE",
          );
        }
        const missing = maybeNaN(x)
          ? `(${compile(x)} IS NULL OR isnan(${compile(x)}))`
          : `(${compile(x)} IS NULL)`;
        return node.name === "isnull" ? missing : `(NOT ${missing})`;
      }
    }
  };
  return { sql: compile(parseQuery(expression)), params };
}
