/** The syntax tree of a metadata query. Every node keeps its position in the expression. */

/** A literal value in a query. */
export type LiteralValue = string | number | boolean | null;

/** Comparison operators. */
export type ComparisonOp = "==" | "!=" | "<" | "<=" | ">" | ">=";
/** Arithmetic operators. */
export type ArithmeticOp = "+" | "-" | "*" | "/";

/** A node of the query syntax tree. */
export type QueryNode =
  | { kind: "literal"; value: LiteralValue; pos: number }
  | { kind: "column"; name: string; pos: number }
  | { kind: "list"; items: QueryNode[]; pos: number }
  | { kind: "not"; operand: QueryNode; pos: number }
  | { kind: "negate"; operand: QueryNode; pos: number }
  | { kind: "logical"; op: "and" | "or"; left: QueryNode; right: QueryNode; pos: number }
  | { kind: "compare"; op: ComparisonOp; left: QueryNode; right: QueryNode; pos: number }
  | { kind: "arithmetic"; op: ArithmeticOp; left: QueryNode; right: QueryNode; pos: number }
  | { kind: "membership"; negated: boolean; value: QueryNode; list: QueryNode; pos: number }
  | { kind: "call"; name: "isnull" | "notnull" | "between"; args: QueryNode[]; pos: number };

/** The names of every column a query reads, in order of first use. */
export function columnsOf(node: QueryNode, into: string[] = []): string[] {
  switch (node.kind) {
    case "column":
      if (!into.includes(node.name)) into.push(node.name);
      break;
    case "list":
      for (const item of node.items) columnsOf(item, into);
      break;
    case "not":
    case "negate":
      columnsOf(node.operand, into);
      break;
    case "logical":
    case "compare":
    case "arithmetic":
      columnsOf(node.left, into);
      columnsOf(node.right, into);
      break;
    case "membership":
      columnsOf(node.value, into);
      columnsOf(node.list, into);
      break;
    case "call":
      for (const arg of node.args) columnsOf(arg, into);
      break;
  }
  return into;
}
