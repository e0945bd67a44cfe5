/** The grammar: what each piece of the pandas DataFrame.query subset parses to. */

import { describe, expect, it } from "vitest";
import { columnsOf, parseQuery, type QueryNode } from "../../src/index.js";

/** The literal on the right of `x == <text>`. */
function literalOf(text: string): unknown {
  const tree = parseQuery(`x == ${text}`);
  if (tree.kind !== "compare" || tree.right.kind !== "literal") throw new Error(`not a literal`);
  return tree.right.value;
}

/** A compact, position-free rendering of a tree, to check structure and precedence. */
function shape(node: QueryNode): string {
  switch (node.kind) {
    case "literal":
      return JSON.stringify(node.value);
    case "column":
      return node.name;
    case "list":
      return `[${node.items.map(shape).join(", ")}]`;
    case "not":
      return `(not ${shape(node.operand)})`;
    case "negate":
      return `(-${shape(node.operand)})`;
    case "logical":
    case "compare":
    case "arithmetic":
      return `(${shape(node.left)} ${node.op} ${shape(node.right)})`;
    case "membership":
      return `(${shape(node.value)} ${node.negated ? "not in" : "in"} ${shape(node.list)})`;
    case "call":
      return `${node.name}(${node.args.map(shape).join(", ")})`;
  }
}

const parsed = (expression: string) => shape(parseQuery(expression));

describe("number literals", () => {
  it.each([
    ["42", 42],
    ["0.8", 0.8],
    [".5", 0.5],
    ["5.", 5],
    ["1e-3", 0.001],
    ["2.5E+2", 250],
    ["-3", -3],
    ["-.5", -0.5],
    ["- 1e3", -1000],
    ["+7", 7],
  ])("reads %s as %d", (text, value) => {
    expect(literalOf(text)).toBe(value);
  });

  it("folds a minus sign into the literal and keeps the sign's position", () => {
    expect(parseQuery("x > -2")).toMatchObject({ right: { kind: "literal", value: -2, pos: 4 } });
  });
});

describe("string literals", () => {
  it.each([
    [`'target'`, "target"],
    [`"target"`, "target"],
    [`''`, ""],
    [`'O\\'Neil'`, "O'Neil"],
    [`"say \\"hi\\""`, 'say "hi"'],
    [`"it's"`, "it's"],
    [`'a\\\\b'`, "a\\b"],
    [`'tab\\there'`, "tab\there"],
    [`'line\\nbreak'`, "line\nbreak"],
    [`'\\u00e9t\\u00E9'`, "été"],
    [`'and or not in True None'`, "and or not in True None"],
  ])("reads %s as the text %j", (text, value) => {
    expect(literalOf(text)).toBe(value);
  });
});

describe("keywords for values", () => {
  it.each([
    ["True", true],
    ["true", true],
    ["False", false],
    ["false", false],
    ["None", null],
    ["null", null],
  ])("reads %s as %j", (text, value) => {
    expect(literalOf(text)).toBe(value);
  });

  it("reads True alone as a whole expression", () => {
    expect(parseQuery("True")).toEqual({ kind: "literal", value: true, pos: 0 });
  });
});

describe("names", () => {
  it("reads a bare name as a column, for example a boolean column used as a condition", () => {
    expect(parseQuery("qc_pass")).toEqual({ kind: "column", name: "qc_pass", pos: 0 });
  });

  it("reads a backtick-quoted name with spaces, keywords or symbols as one column", () => {
    expect(parsed("`site name` == 'north'")).toBe('(site name == "north")');
    expect(parsed("`in` > 4 and `True` and `not`")).toBe("(((in > 4) and True) and not)");
    expect(parsed("`weird ''\" name`")).toBe(`weird ''" name`);
  });

  it("lists the columns a query reads, once each, in order of first use", () => {
    expect(columnsOf(parseQuery("b > 1 and (a in [1] or isnull(b)) and `c d`.notnull()"))).toEqual([
      "b",
      "a",
      "c d",
    ]);
  });
});

describe("operators and precedence", () => {
  it.each([
    ["a == 1", "(a == 1)"],
    ["a != 1", "(a != 1)"],
    ["a < 1", "(a < 1)"],
    ["a <= 1", "(a <= 1)"],
    ["a > 1", "(a > 1)"],
    ["a >= 1", "(a >= 1)"],
    ["a + b * c - d / e > 0", "(((a + (b * c)) - (d / e)) > 0)"],
    ["(a + b) * c > 0", "(((a + b) * c) > 0)"],
    ["-a > 0", "((-a) > 0)"],
    ["a or b and c", "(a or (b and c))"],
    ["(a or b) and c", "((a or b) and c)"],
    ["not a and b", "((not a) and b)"],
    ["not a == 1", "(not (a == 1))"],
    ["not not a", "(not (not a))"],
  ])("parses %s as %s", (expression, expected) => {
    expect(parsed(expression)).toBe(expected);
  });

  it("accepts & | ~ as aliases of and, or, not", () => {
    expect(parsed("~a & b | c")).toBe(parsed("not a and b or c"));
    expect(parsed("a | b & ~c")).toBe("(a or (b and (not c)))");
  });

  it("reads a chained comparison as a conjunction, like Python", () => {
    expect(parsed("1 < a <= b < 9")).toBe("(((1 < a) and (a <= b)) and (b < 9))");
  });

  it("reads in and not in with list literals, including an empty list and a trailing comma", () => {
    expect(parsed("g in ['A', \"B\"]")).toBe('(g in ["A", "B"])');
    expect(parsed("g not in [1, -2.5, None,]")).toBe("(g not in [1, -2.5, null])");
    expect(parsed("g in []")).toBe("(g in [])");
    expect(parsed("not g in [1]")).toBe("(not (g in [1]))");
  });
});

describe("null tests and between", () => {
  it.each([
    ["x.isnull()", "isnull(x)"],
    ["x.notnull()", "notnull(x)"],
    ["x.isna()", "isnull(x)"],
    ["x.notna()", "notnull(x)"],
    ["isnull(x)", "isnull(x)"],
    ["isna(x)", "isnull(x)"],
    ["notnull(x)", "notnull(x)"],
    ["notna(x)", "notnull(x)"],
    ["`a b` . isnull ( )", "isnull(a b)"],
    ["between(x, 1, 2 + 3)", "between(x, 1, (2 + 3))"],
  ])("parses %s as %s", (expression, expected) => {
    expect(parsed(expression)).toBe(expected);
  });

  it("puts the position of a method call on its dot and of a function call on its name", () => {
    expect(parseQuery("score.isnull()")).toMatchObject({ kind: "call", pos: 5 });
    expect(parseQuery("a and between(x, 1, 2)")).toMatchObject({ right: { kind: "call", pos: 6 } });
  });
});

describe("whitespace", () => {
  it("ignores spaces, tabs and line breaks between tokens", () => {
    expect(parsed(" a\t==\n1\r\nand  b ")).toBe("((a == 1) and b)");
  });
});
