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
  const tokens = tokenize(expression);
  let at = 0;
  let depth = 0;
  const peek = (): Token => tokens[at]!;
  const fail = (pos: number, reason: string): never => {
    throw queryError(expression, pos, reason);
  };
  const isOp = (value: string, token = peek()) => token.type === "op" && token.value === value;
  const isWord = (value: string, token = peek()) =>
    token.type === "name" && !token.quoted && token.value === value;
  const describe = (token: Token) =>
    token.type === "end"
      ? "the end of the expression"
      : `'${clip(expression.slice(token.pos, tokens[at + 1]?.pos ?? token.pos + 1).trim())}'`;
  const expect = (value: string, what: string) => {
    if (!isOp(value)) fail(peek().pos, `expected ${what}, found ${describe(peek())}`);
    at++;
  };
  const nest = <T>(work: () => T): T => {
    if (++depth > MAX_DEPTH)
      fail(peek().pos, `the expression nests deeper than ${MAX_DEPTH} levels`);
    try {
      return work();
    } finally {
      depth--;
    }
  };

  const orExpr = (): QueryNode =>
    nest(() => {
      let left = andExpr();
      while (isWord("or") || isOp("|")) {
        const pos = tokens[at++]!.pos;
        left = { kind: "logical", op: "or", left, right: andExpr(), pos };
      }
      return left;
    });
  const andExpr = (): QueryNode => {
    let left = notExpr();
    while (isWord("and") || isOp("&")) {
      const pos = tokens[at++]!.pos;
      left = { kind: "logical", op: "and", left, right: notExpr(), pos };
    }
    return left;
  };
  const notExpr = (): QueryNode =>
    nest(() => {
      if (isWord("not") || isOp("~")) {
        const pos = tokens[at++]!.pos;
        return { kind: "not", operand: notExpr(), pos };
      }
      return comparison();
    });
  const comparison = (): QueryNode => {
    const first = additive();
    let left = first;
    let result: QueryNode | undefined;
    for (;;) {
      const token = peek();
      let node: QueryNode;
      if (token.type === "op" && COMPARISONS.has(token.value)) {
        at++;
        const right = additive();
        node = { kind: "compare", op: token.value as ComparisonOp, left, right, pos: token.pos };
        left = right;
      } else if (isWord("in") || (isWord("not") && isWord("in", tokens[at + 1]))) {
        const negated = isWord("not");
        at += negated ? 2 : 1;
        const list = additive();
        node = { kind: "membership", negated, value: left, list, pos: token.pos };
        left = list;
      } else break;
      // Chained comparisons (a < b < c) mean (a < b) and (b < c), as in Python.
      result =
        result === undefined
          ? node
          : { kind: "logical", op: "and", left: result, right: node, pos: node.pos };
    }
    return result ?? first;
  };
  const additive = (): QueryNode => {
    let left = multiplicative();
    while (isOp("+") || isOp("-")) {
      const token = tokens[at++] as Token & { value: "+" | "-" };
      left = { kind: "arithmetic", op: token.value, left, right: multiplicative(), pos: token.pos };
    }
    return left;
  };
  const multiplicative = (): QueryNode => {
    let left = unary();
    while (isOp("*") || isOp("/")) {
      const token = tokens[at++] as Token & { value: "*" | "/" };
      left = { kind: "arithmetic", op: token.value, left, right: unary(), pos: token.pos };
    }
    return left;
  };
  const unary = (): QueryNode =>
    nest(() => {
      if (isOp("-") || isOp("+")) {
        const token = tokens[at++]!;
        const operand = unary();
        if (token.type === "op" && token.value === "+") return operand;
        if (operand.kind === "literal" && typeof operand.value === "number") {
          return { kind: "literal", value: -operand.value, pos: token.pos };
        }
        return { kind: "negate", operand, pos: token.pos };
      }
      return postfix();
    });
  const postfix = (): QueryNode => {
    let node = primary();
    while (isOp(".")) {
      const dot = tokens[at++]!;
      const method = peek();
      if (method.type !== "name" || method.quoted)
        fail(method.pos, `expected a method name after '.', found ${describe(method)}`);
      const spec = functionNamed((method as { value: string }).value);
      if (spec === undefined || spec.arity !== 1) {
        fail(
          method.pos,
          `unknown method '${clip((method as { value: string }).value)}'; methods are isnull(), notnull(), isna(), notna()`,
        );
      }
      at++;
      expect("(", "'(' after the method name");
      expect(")", "')': these methods take no arguments");
      node = { kind: "call", name: spec!.name, args: [node], pos: dot.pos };
    }
    return node;
  };
  const primary = (): QueryNode => {
    const token = peek();
    switch (token.type) {
      case "number":
        at++;
        return { kind: "literal", value: token.value, pos: token.pos };
      case "string":
        at++;
        return { kind: "literal", value: token.value, pos: token.pos };
      case "name": {
        at++;
        if (!token.quoted) {
          if (token.value === "True" || token.value === "true")
            return { kind: "literal", value: true, pos: token.pos };
          if (token.value === "False" || token.value === "false")
            return { kind: "literal", value: false, pos: token.pos };
          if (token.value === "None" || token.value === "null")
            return { kind: "literal", value: null, pos: token.pos };
          if (KEYWORDS.has(token.value)) {
            fail(
              token.pos,
              `'${token.value}' is a keyword here; quote a column of that name in backticks: \`${token.value}\``,
            );
          }
          if (isOp("(")) return call(token.value, token.pos);
        }
        return { kind: "column", name: token.value, pos: token.pos };
      }
      case "op":
        if (token.value === "(") {
          at++;
          const inner = orExpr();
          expect(")", "')' to close the '(' at position " + token.pos);
          return inner;
        }
        if (token.value === "[") {
          at++;
          const items: QueryNode[] = [];
          while (!isOp("]")) {
            items.push(additive());
            if (!isOp("]")) expect(",", "',' or ']' in the list");
          }
          at++;
          return { kind: "list", items, pos: token.pos };
        }
        return fail(token.pos, `expected a value, a column or '(', found ${describe(token)}`);
      default:
        return fail(token.pos, "the expression ends where a value was expected");
    }
  };
  const call = (name: string, pos: number): QueryNode => {
    const spec = functionNamed(name);
    if (spec === undefined)
      fail(
        pos,
        `unknown function '${clip(name)}'; functions are isnull, notnull, isna, notna, between`,
      );
    at++;
    const args: QueryNode[] = [];
    while (!isOp(")")) {
      args.push(orExpr());
      if (!isOp(")")) expect(",", "',' or ')' in the arguments");
    }
    at++;
    if (args.length !== spec!.arity)
      fail(
        pos,
        `${name}() takes ${spec!.arity} argument${spec!.arity > 1 ? "s" : ""}, got ${args.length}`,
      );
    return { kind: "call", name: spec!.name, args, pos };
  };

  const tree = orExpr();
  if (peek().type !== "end")
    fail(peek().pos, `unexpected ${describe(peek())}; expected and, or or the end`);
  // Chains (a + a + ... or x.isnull().isnull()...) grow the tree without deep recursion here,
  // but evaluating and compiling it recurse, so its depth is bounded too.
  const pending: [QueryNode, number][] = [[tree, 1]];
  while (pending.length > 0) {
    const [node, level] = pending.pop()!;
    if (level > MAX_TREE_DEPTH)
      fail(
        node.pos,
        `the expression chains more than ${MAX_TREE_DEPTH} operations; use in [...] for long lists of alternatives`,
      );
    for (const child of childrenOf(node)) pending.push([child, level + 1]);
  }
  return tree;
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
