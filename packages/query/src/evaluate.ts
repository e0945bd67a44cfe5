/** Evaluates a query column-wise over a metadata table, with pandas semantics for nulls. */

import type { MetaTable } from "@tt/schema";
import type { ComparisonOp, LiteralValue, QueryNode } from "./ast.js";
import { clip, listNames, queryError } from "./messages.js";
import { KEYWORDS } from "./parser.js";
import { closestName } from "./suggest.js";
import {
  columnVector,
  literalLabel,
  type Operand,
  parseIsoMicros,
  type Scalar,
  toMask,
  type Vector,
} from "./vectors.js";

type BoolVector = Extract<Vector, { type: "boolean" }>;

/**
 * The rows of `table` that satisfy the parsed query `tree` (1 = selected). Comparisons with
 * null are false except `!=` and `not in`, which are true, as in pandas; `not` of a null
 * boolean is null, and null rows are never selected.
 */
export function evaluateQuery(tree: QueryNode, table: MetaTable, expression: string): Uint8Array {
  const n = table.numRows;
  const fail = (pos: number, reason: string): never => {
    throw queryError(expression, pos, reason);
  };
  const cache = new Map<string, Vector>();

  const column = (name: string, pos: number): Vector => {
    const cached = cache.get(name);
    if (cached) return cached;
    if (!table.has(name)) {
      const available = table.columnNames;
      const suggestion = closestName(name, available);
      fail(
        pos,
        `unknown column '${clip(name)}'${suggestion ? `; did you mean '${clip(suggestion)}'?` : "."} Available columns: ${listNames(available) || "(none)"}`,
      );
    }
    const vector = columnVector(name, table.column(name));
    if (vector === undefined)
      fail(
        pos,
        `column '${clip(name)}' is ${table.column(name).type}, which queries cannot compare`,
      );
    cache.set(name, vector!);
    return vector!;
  };

  const asBoolean = (operand: Operand, pos: number, source?: QueryNode): BoolVector => {
    if (operand.type === "boolean") return operand;
    if (operand.type === "scalar" && typeof operand.value === "boolean") {
      return {
        type: "boolean",
        values: new Uint8Array(n).fill(operand.value ? 1 : 0),
        valid: undefined,
        label: operand.label,
      };
    }
    // The example must be valid query syntax: a column name bare or in backticks, never in quotes.
    const name = source?.kind === "column" ? source.name : undefined;
    const bare = name !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name);
    const example = name === undefined ? "(...)" : bare ? name : `\`${name}\``;
    const hint = operand.type === "number" ? `; compare it, for example ${example} > 0` : "";
    return fail(pos, `${operand.label} is not a boolean condition${hint}`);
  };

  const evaluate = (node: QueryNode): Operand => {
    switch (node.kind) {
      case "literal":
        return { type: "scalar", value: node.value, label: literalLabel(node.value) };
      case "column":
        return column(node.name, node.pos);
      case "list": {
        const items = node.items.map((item) => {
          const value = evaluate(item);
          if (value.type !== "scalar") return fail(item.pos, "a list may hold only literal values");
          return value.value;
        });
        return { type: "list", items, label: "a list" };
      }
      case "not": {
        const operand = asBoolean(evaluate(node.operand), node.pos, node.operand);
        const values = new Uint8Array(n);
        for (let i = 0; i < n; i++) values[i] = operand.values[i] ? 0 : 1;
        return { type: "boolean", values, valid: operand.valid, label: "a condition" };
      }
      case "logical":
        return logical(
          node.op,
          asBoolean(evaluate(node.left), node.left.pos, node.left),
          asBoolean(evaluate(node.right), node.right.pos, node.right),
        );
      case "negate":
        return arithmetic(
          "*",
          { type: "scalar", value: -1, label: "number -1" },
          evaluate(node.operand),
          node.pos,
        );
      case "arithmetic":
        return arithmetic(node.op, evaluate(node.left), evaluate(node.right), node.pos);
      case "compare":
        return compare(node.op, evaluate(node.left), evaluate(node.right), node.pos);
      case "membership":
        return membership(evaluate(node.value), evaluate(node.list), node.negated, node.pos);
      case "call":
        return call(node);
    }
  };

  const logical = (op: "and" | "or", a: BoolVector, b: BoolVector): BoolVector => {
    const values = new Uint8Array(n);
    if (a.valid === undefined && b.valid === undefined) {
      if (op === "and") for (let i = 0; i < n; i++) values[i] = a.values[i]! & b.values[i]!;
      else for (let i = 0; i < n; i++) values[i] = a.values[i]! | b.values[i]!;
      return { type: "boolean", values, valid: undefined, label: "a condition" };
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
  };

  const numeric = (
    operand: Operand,
    pos: number,
    what: string,
  ): Extract<Vector, { type: "number" }> | number | null => {
    if (operand.type === "number") return operand;
    if (operand.type === "scalar" && (typeof operand.value === "number" || operand.value === null))
      return operand.value;
    return fail(pos, `${what} needs numbers, got ${operand.label}`);
  };

  const arithmetic = (op: string, left: Operand, right: Operand, pos: number): Operand => {
    const a = numeric(left, pos, `'${op}'`);
    const b = numeric(right, pos, `'${op}'`);
    const apply = (x: number, y: number) =>
      op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : x / y;
    if (typeof a !== "object" && typeof b !== "object") {
      const value = a === null || b === null ? null : apply(a, b);
      return { type: "scalar", value, label: literalLabel(value) };
    }
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
    for (let i = 0; i < n; i++) values[i] = apply(va ? va.values[i]! : sa, vb ? vb.values[i]! : sb);
    const label = `${left.label} ${op} ${right.label}`;
    return { type: "number", values, valid, label };
  };

  /** Comparable keys of an operand against another operand's type, or a type error. */
  const keysFor = (
    operand: Operand,
    other: Operand,
    pos: number,
  ): ArrayLike<unknown> | LiteralValue => {
    if (operand.type === "list") return fail(pos, "a list can only follow in or not in");
    if (operand.type !== "scalar") return operand.values;
    const value = operand.value;
    if (other.type === "timestamp" && typeof value === "string") {
      const micros = parseIsoMicros(value);
      if (micros === undefined)
        fail(
          pos,
          `${operand.label} is not an ISO date or date-time to compare with ${other.label}`,
        );
      return micros!;
    }
    if (typeof value === "boolean") return value ? 1 : 0;
    return value as LiteralValue;
  };

  const sameKind = (a: Operand, b: Operand, pos: number, op: string) => {
    const kind = (x: Operand, y: Operand): string => {
      if (x.type === "list") return fail(pos, `'${op}' cannot take a list; use in or not in`);
      if (x.type !== "scalar") return x.type === "timestamp" ? "timestamp" : x.type;
      if (x.value === null) return "null";
      if (typeof x.value === "string" && y.type === "timestamp") return "timestamp";
      return typeof x.value;
    };
    const ka = kind(a, b);
    const kb = kind(b, a);
    if (ka !== kb && ka !== "null" && kb !== "null")
      fail(pos, `cannot compare ${a.label} with ${b.label}`);
  };

  const compare = (op: ComparisonOp, left: Operand, right: Operand, pos: number): Operand => {
    sameKind(left, right, pos, op);
    const nullResult = op === "!=" ? 1 : 0;
    const test = (x: unknown, y: unknown): boolean => {
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
    };
    const a = keysFor(left, right, pos);
    const b = keysFor(right, left, pos);
    const values = new Uint8Array(n);
    const validA = left.type !== "scalar" && left.type !== "list" ? left.valid : undefined;
    const validB = right.type !== "scalar" && right.type !== "list" ? right.valid : undefined;
    const isVector = (k: unknown): k is ArrayLike<unknown> => typeof k === "object" && k !== null;
    if (!isVector(a) && !isVector(b)) {
      const value = a === null || b === null ? nullResult === 1 : test(a, b);
      return { type: "scalar", value, label: "a condition" };
    }
    if ((isVector(a) ? false : a === null) || (isVector(b) ? false : b === null)) {
      values.fill(nullResult);
      return { type: "boolean", values, valid: undefined, label: "a condition" };
    }
    if (isVector(a) && isVector(b)) {
      for (let i = 0; i < n; i++) values[i] = test(a[i], b[i]) ? 1 : 0;
    } else if (isVector(a)) {
      compareToScalar(op, a, b, values);
    } else {
      compareToScalar(MIRRORED[op], b as ArrayLike<unknown>, a, values);
    }
    for (const valid of [validA, validB]) {
      if (valid === undefined) continue;
      for (let i = 0; i < n; i++) if (valid[i] === 0) values[i] = nullResult;
    }
    return { type: "boolean", values, valid: undefined, label: "a condition" };
  };

  const membership = (value: Operand, list: Operand, negated: boolean, pos: number): Operand => {
    if (list.type !== "list")
      return fail(
        pos,
        `${negated ? "not in" : "in"} needs a list literal such as ['A', 'B'], got ${list.label}`,
      );
    if (value.type === "scalar" || value.type === "list")
      return fail(pos, `${negated ? "not in" : "in"} needs a column on its left`);
    const wanted = new Set<unknown>();
    for (const item of list.items) {
      if (item === null) continue;
      sameKind(
        value,
        { type: "scalar", value: item, label: literalLabel(item) } as Scalar,
        pos,
        "in",
      );
      // keysFor rejects a string that is no ISO date, instead of silently matching nothing.
      wanted.add(keysFor({ type: "scalar", value: item, label: literalLabel(item) }, value, pos));
    }
    const values = new Uint8Array(n);
    const keys = value.values as ArrayLike<unknown>;
    for (let i = 0; i < n; i++) {
      const missing = value.valid !== undefined && value.valid[i] === 0;
      const found = !missing && wanted.has(keys[i]);
      values[i] = missing ? (negated ? 1 : 0) : found !== negated ? 1 : 0;
    }
    return { type: "boolean", values, valid: undefined, label: "a condition" };
  };

  const call = (node: Extract<QueryNode, { kind: "call" }>): Operand => {
    if (node.name === "between") {
      const [x, low, high] = node.args as [QueryNode, QueryNode, QueryNode];
      const value = evaluate(x);
      const lower = compare(">=", value, evaluate(low), node.pos);
      const upper = compare("<=", value, evaluate(high), node.pos);
      return logical("and", asBoolean(lower, node.pos), asBoolean(upper, node.pos));
    }
    const operand = evaluate(node.args[0]!);
    const wantNull = node.name === "isnull";
    if (operand.type === "scalar")
      return { type: "scalar", value: (operand.value === null) === wantNull, label: "a condition" };
    if (operand.type === "list") return fail(node.pos, `${node.name}() takes a column, not a list`);
    const values = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const isNull =
        (operand.valid !== undefined && operand.valid[i] === 0) ||
        (operand.type === "number" && Number.isNaN(operand.values[i]));
      values[i] = isNull === wantNull ? 1 : 0;
    }
    return { type: "boolean", values, valid: undefined, label: "a condition" };
  };

  const result = evaluate(tree);
  if (result.type === "scalar" && typeof result.value === "boolean")
    return new Uint8Array(n).fill(result.value ? 1 : 0);
  return toMask(asBoolean(result, tree.pos, tree));
}

const MIRRORED: Record<ComparisonOp, ComparisonOp> = {
  "==": "==",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

/** `values[i] = keys[i] op scalar`, one tight loop per operator. */
function compareToScalar(
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
