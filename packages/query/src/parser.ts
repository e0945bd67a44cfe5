/** A recursive-descent parser for the query language (a pandas `DataFrame.query` subset). */

import type { ComparisonOp, QueryNode } from "./ast.js";
import { type Token, tokenize } from "./lexer.js";
import { clip, queryError } from "./messages.js";

/** Words with a meaning of their own; a column of that name needs backticks. */
export const KEYWORDS = new Set([
  "and",
  "or",
  "not",
  "in",
  "True",
  "False",
  "true",
  "false",
  "None",
  "null",
]);
const COMPARISONS = new Set(["==", "!=", "<", "<=", ">", ">="]);
const FUNCTIONS: Record<string, { name: "isnull" | "notnull" | "between"; arity: number }> = {
  isnull: { name: "isnull", arity: 1 },
  isna: { name: "isnull", arity: 1 },
  notnull: { name: "notnull", arity: 1 },
  notna: { name: "notnull", arity: 1 },
  between: { name: "between", arity: 3 },
};
// Own keys only: `constructor` or `__proto__` must not resolve to Object's.
const functionNamed = (name: string) =>
  Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
const MAX_DEPTH = 200;
const MAX_TREE_DEPTH = 1000;

/** The node of kind `K`. */
type NodeOf<K extends QueryNode["kind"]> = Extract<QueryNode, { kind: K }>;

/** Where a parse is: the expression, its tokens, the next token and the nesting depth. */
interface ParseState {
  readonly expression: string;
  readonly tokens: readonly Token[];
  /** The index of the next token. */
  at: number;
  /** Grammar levels entered and not yet left, bounded by {@link MAX_DEPTH}. */
  depth: number;
}

/**
 * Parses `expression` into a syntax tree. Errors are QueryErrors with the position of the
 * fault and a caret line.
 *
 * @example
 * ```ts
 * parseQuery("label == 'target' and qc_pass and score > 0.8");
 * ```
 */
export function parseQuery(expression: string): QueryNode {
  if (typeof expression !== "string")
    throw queryError(String(expression), 0, "a query must be a string");
  const p: ParseState = { expression, tokens: tokenize(expression), at: 0, depth: 0 };
  const tree = parseOr(p);
  if (peek(p).type !== "end")
    fail(p, peek(p).pos, `unexpected ${describe(p, peek(p))}; expected and, or or the end`);
  checkTreeDepth(p, tree);
  return tree;
}

/** The next token, not consumed. */
function peek(p: ParseState): Token {
  return p.tokens[p.at]!;
}

/** The next token, consumed. */
function next(p: ParseState): Token {
  return p.tokens[p.at++]!;
}

/** A QueryError at `pos` of the expression. */
function fail(p: ParseState, pos: number, reason: string): never {
  throw queryError(p.expression, pos, reason);
}

/** Whether `token` (by default the next) is the operator `value`. */
function isOp(p: ParseState, value: string, token = peek(p)): boolean {
  return token.type === "op" && token.value === value;
}

/** Whether `token` (by default the next) is the bare word `value`, not in backticks. */
function isWord(p: ParseState, value: string, token = peek(p)): boolean {
  return token.type === "name" && !token.quoted && token.value === value;
}

/** The next token as a message quotes it. */
function describe(p: ParseState, token: Token): string {
  if (token.type === "end") return "the end of the expression";
  const end = p.tokens[p.at + 1]?.pos ?? token.pos + 1;
  return `'${clip(p.expression.slice(token.pos, end).trim())}'`;
}

/** Consumes the operator `value`, or fails saying `what` was expected. */
function expect(p: ParseState, value: string, what: string): void {
  if (!isOp(p, value)) fail(p, peek(p).pos, `expected ${what}, found ${describe(p, peek(p))}`);
  p.at++;
}

/** Runs one grammar level one level deeper, failing beyond {@link MAX_DEPTH}. */
function nest<T>(p: ParseState, level: () => T): T {
  if (++p.depth > MAX_DEPTH)
    fail(p, peek(p).pos, `the expression nests deeper than ${MAX_DEPTH} levels`);
  try {
    return level();
  } finally {
    p.depth--;
  }
}

/** `a or b or ...` (also `|`). */
function parseOr(p: ParseState): QueryNode {
  return nest(p, () => {
    let left = parseAnd(p);
    while (isWord(p, "or") || isOp(p, "|")) {
      const pos = next(p).pos;
      left = { kind: "logical", op: "or", left, right: parseAnd(p), pos };
    }
    return left;
  });
}

/** `a and b and ...` (also `&`). */
function parseAnd(p: ParseState): QueryNode {
  let left = parseNot(p);
  while (isWord(p, "and") || isOp(p, "&")) {
    const pos = next(p).pos;
    left = { kind: "logical", op: "and", left, right: parseNot(p), pos };
  }
  return left;
}

/** `not a` (also `~`). */
function parseNot(p: ParseState): QueryNode {
  return nest(p, () => {
    if (isWord(p, "not") || isOp(p, "~")) {
      const pos = next(p).pos;
      return { kind: "not", operand: parseNot(p), pos };
    }
    return parseComparison(p);
  });
}

/** `a < b`, `a in [...]`, `a not in [...]`, chained: `a < b < c` is `(a < b) and (b < c)`. */
function parseComparison(p: ParseState): QueryNode {
  const first = parseAdditive(p);
  let left = first;
  let result: QueryNode | undefined;
  for (;;) {
    const node = parseComparisonStep(p, left);
    if (node === undefined) break;
    left = node.kind === "membership" ? node.list : node.right;
    // Chained comparisons (a < b < c) mean (a < b) and (b < c), as in Python.
    result =
      result === undefined
        ? node
        : { kind: "logical", op: "and", left: result, right: node, pos: node.pos };
  }
  return result ?? first;
}

/** One comparison or membership test of `left` against what follows, if one follows. */
function parseComparisonStep(
  p: ParseState,
  left: QueryNode,
): NodeOf<"compare"> | NodeOf<"membership"> | undefined {
  const token = peek(p);
  if (token.type === "op" && COMPARISONS.has(token.value)) {
    p.at++;
    const right = parseAdditive(p);
    return { kind: "compare", op: token.value as ComparisonOp, left, right, pos: token.pos };
  }
  if (isWord(p, "in") || (isWord(p, "not") && isWord(p, "in", p.tokens[p.at + 1]))) {
    const negated = isWord(p, "not");
    p.at += negated ? 2 : 1;
    const list = parseAdditive(p);
    return { kind: "membership", negated, value: left, list, pos: token.pos };
  }
  return undefined;
}

/** `a + b - c ...`. */
function parseAdditive(p: ParseState): QueryNode {
  let left = parseMultiplicative(p);
  while (isOp(p, "+") || isOp(p, "-")) {
    const token = next(p) as Token & { value: "+" | "-" };
    const right = parseMultiplicative(p);
    left = { kind: "arithmetic", op: token.value, left, right, pos: token.pos };
  }
  return left;
}

/** `a * b / c ...`. */
function parseMultiplicative(p: ParseState): QueryNode {
  let left = parseUnary(p);
  while (isOp(p, "*") || isOp(p, "/")) {
    const token = next(p) as Token & { value: "*" | "/" };
    left = { kind: "arithmetic", op: token.value, left, right: parseUnary(p), pos: token.pos };
  }
  return left;
}

/** `-a`, `+a`; a minus before a number literal is part of the literal. */
function parseUnary(p: ParseState): QueryNode {
  return nest(p, () => {
    if (!isOp(p, "-") && !isOp(p, "+")) return parsePostfix(p);
    const token = next(p);
    const operand = parseUnary(p);
    if (token.type === "op" && token.value === "+") return operand;
    if (operand.kind === "literal" && typeof operand.value === "number") {
      return { kind: "literal", value: -operand.value, pos: token.pos };
    }
    return { kind: "negate", operand, pos: token.pos };
  });
}

/** A value followed by method calls: `a.isnull()`, `a.notna()`, ... */
function parsePostfix(p: ParseState): QueryNode {
  let node = parsePrimary(p);
  while (isOp(p, ".")) {
    const dot = next(p);
    const method = peek(p);
    if (method.type !== "name" || method.quoted)
      fail(p, method.pos, `expected a method name after '.', found ${describe(p, method)}`);
    const name = (method as { value: string }).value;
    const spec = functionNamed(name);
    if (spec === undefined || spec.arity !== 1) {
      fail(
        p,
        method.pos,
        `unknown method '${clip(name)}'; methods are isnull(), notnull(), isna(), notna()`,
      );
    }
    p.at++;
    expect(p, "(", "'(' after the method name");
    expect(p, ")", "')': these methods take no arguments");
    node = { kind: "call", name: spec.name, args: [node], pos: dot.pos };
  }
  return node;
}

/** A literal, a column, a function call, `(...)` or a list `[...]`. */
function parsePrimary(p: ParseState): QueryNode {
  const token = peek(p);
  switch (token.type) {
    case "number":
    case "string":
      p.at++;
      return { kind: "literal", value: token.value, pos: token.pos };
    case "name":
      p.at++;
      return parseName(p, token);
    case "op":
      if (token.value === "(") return parseGroup(p);
      if (token.value === "[") return parseList(p);
      return fail(p, token.pos, `expected a value, a column or '(', found ${describe(p, token)}`);
    default:
      return fail(p, token.pos, "the expression ends where a value was expected");
  }
}

/** A name just consumed: a keyword literal, a function call or a column. */
function parseName(p: ParseState, token: Extract<Token, { type: "name" }>): QueryNode {
  const { value, pos } = token;
  if (!token.quoted) {
    if (value === "True" || value === "true") return { kind: "literal", value: true, pos };
    if (value === "False" || value === "false") return { kind: "literal", value: false, pos };
    if (value === "None" || value === "null") return { kind: "literal", value: null, pos };
    if (KEYWORDS.has(value)) {
      fail(
        p,
        pos,
        `'${value}' is a keyword here; quote a column of that name in backticks: \`${value}\``,
      );
    }
    if (isOp(p, "(")) return parseCall(p, value, pos);
  }
  return { kind: "column", name: value, pos };
}

/** `( expression )`. */
function parseGroup(p: ParseState): QueryNode {
  const open = next(p);
  const inner = parseOr(p);
  expect(p, ")", "')' to close the '(' at position " + open.pos);
  return inner;
}

/** `[item, item, ...]`. */
function parseList(p: ParseState): QueryNode {
  const open = next(p);
  const items: QueryNode[] = [];
  while (!isOp(p, "]")) {
    items.push(parseAdditive(p));
    if (!isOp(p, "]")) expect(p, ",", "',' or ']' in the list");
  }
  p.at++;
  return { kind: "list", items, pos: open.pos };
}

/** `name(arg, ...)` of a known function with its number of arguments; `(` is next. */
function parseCall(p: ParseState, name: string, pos: number): QueryNode {
  const spec = functionNamed(name);
  if (spec === undefined)
    fail(
      p,
      pos,
      `unknown function '${clip(name)}'; functions are isnull, notnull, isna, notna, between`,
    );
  p.at++;
  const args: QueryNode[] = [];
  while (!isOp(p, ")")) {
    args.push(parseOr(p));
    if (!isOp(p, ")")) expect(p, ",", "',' or ')' in the arguments");
  }
  p.at++;
  if (args.length !== spec.arity)
    fail(
      p,
      pos,
      `${name}() takes ${spec.arity} argument${spec.arity > 1 ? "s" : ""}, got ${args.length}`,
    );
  return { kind: "call", name: spec.name, args, pos };
}

/**
 * Fails when the tree is deeper than {@link MAX_TREE_DEPTH}. Chains (a + a + ... or
 * x.isnull().isnull()...) grow the tree without deep recursion in the parser, but evaluating and
 * compiling it recurse, so its depth is bounded too.
 */
function checkTreeDepth(p: ParseState, tree: QueryNode): void {
  const pending: [QueryNode, number][] = [[tree, 1]];
  while (pending.length > 0) {
    const [node, level] = pending.pop()!;
    if (level > MAX_TREE_DEPTH)
      fail(
        p,
        node.pos,
        `the expression chains more than ${MAX_TREE_DEPTH} operations; use in [...] for long lists of alternatives`,
      );
    for (const child of childrenOf(node)) pending.push([child, level + 1]);
  }
}

/** The operands of `node`. */
function childrenOf(node: QueryNode): QueryNode[] {
  switch (node.kind) {
    case "list":
      return node.items;
    case "not":
    case "negate":
      return [node.operand];
    case "logical":
    case "compare":
    case "arithmetic":
      return [node.left, node.right];
    case "membership":
      return [node.value, node.list];
    case "call":
      return node.args;
    default:
      return [];
  }
}
