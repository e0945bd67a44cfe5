/** Bad queries: one test per failure mode, each a QueryError with its position and reason. */

import { columnFromValues, MetaTable, type QueryError } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { compileQuery, parseQuery } from "../../src/index.js";
import { peopleTable, queryError } from "./helpers.js";

const people = peopleTable();
const COLUMNS = "name, age, score, qc_pass, visits, day, site name, in, tags";

/** The QueryError of running `expression` on the people table. */
function failure(expression: string): QueryError {
  const error = queryError(() => compileQuery(expression).rows(people));
  expect(error.expression).toBe(expression);
  return error;
}

/** Expects `expression` to fail at `position` with a reason containing every part. */
function expectFailure(expression: string, position: number, ...parts: string[]): void {
  const error = failure(expression);
  expect(error.position).toBe(position);
  for (const part of parts) expect(error.reason).toContain(part);
}

describe("the shape of a QueryError", () => {
  it("carries the expression, the position, the reason and a caret line under the fault", () => {
    const error = failure("age > 3 and hieght > 2");
    expect(error.tag).toBe("query");
    expect(error.position).toBe(12);
    expect(error.message).toBe(
      `${error.reason} at position 12\n  age > 3 and hieght > 2\n              ^`,
    );
  });

  it("puts the caret one past the last character when the expression ends too early", () => {
    const error = failure("age >");
    expect(error.message.split("\n")).toEqual([
      "the expression ends where a value was expected at position 5",
      "  age >",
      "       ^",
    ]);
  });

  it("refuses a query that is not a string", () => {
    const error = queryError(() => parseQuery(42 as unknown as string));
    expect(error.reason).toBe("a query must be a string");
  });
});

describe("unknown columns", () => {
  it("suggests the closest name and lists the available columns", () => {
    expectFailure("agee > 3", 0, "unknown column 'agee'; did you mean 'age'?", COLUMNS);
  });

  it("suggests a column that differs only in case", () => {
    expectFailure("Name == 'x'", 0, "did you mean 'name'?");
  });

  it("lists the columns without a suggestion when no name is close", () => {
    const error = failure("weight > 3");
    expect(error.reason).toBe(`unknown column 'weight'. Available columns: ${COLUMNS}`);
  });

  it("points at the unknown column, not at the start of the expression", () => {
    expectFailure("age > 3 and hieght > 2", 12, "unknown column 'hieght'");
  });
});

describe("type errors", () => {
  it("refuses to compare a number column with a string, naming both sides", () => {
    expectFailure("age == 'old'", 4, `cannot compare column 'age' (int32) with string "old"`);
  });

  it("names both sides in the order written", () => {
    expectFailure("'old' < age", 6, `cannot compare string "old" with column 'age' (int32)`);
  });

  it("refuses to compare a boolean column with a number or a string", () => {
    expectFailure("qc_pass == 1", 8, "cannot compare column 'qc_pass' (boolean) with number 1");
    expectFailure("qc_pass == 'true'", 8, `with string "true"`);
  });

  it("refuses a list that mixes numbers and strings", () => {
    expectFailure("age in [1, 'a']", 4, `cannot compare column 'age' (int32) with string "a"`);
  });

  it("refuses a string that is not an ISO date against a timestamp column", () => {
    expectFailure("day < 'yesterday'", 4, `string "yesterday" is not an ISO date or date-time`);
  });

  it("refuses a string that is not an ISO date in a list for a timestamp column", () => {
    expectFailure("day in ['2024-01-01', 'soon']", 4, `string "soon" is not an ISO date`);
  });

  it("refuses to compare a timestamp with a number", () => {
    expectFailure("day > 3", 4, "cannot compare column 'day' (timestamp) with number 3");
  });

  it("refuses list<string> columns, in comparisons and in null tests", () => {
    expectFailure("tags == 'a'", 0, "column 'tags' is list<string>, which queries cannot compare");
    expectFailure("tags.isnull()", 0, "list<string>");
  });

  it("refuses arithmetic on strings", () => {
    expectFailure("name + 1 > 0", 5, "'+' needs numbers, got column 'name' (string)");
    expectFailure("score / 'x' > 1", 6, `'/' needs numbers, got string "x"`);
  });
});

describe("conditions that are not booleans", () => {
  it("refuses a bare number column and shows how to compare it", () => {
    expectFailure(
      "age",
      0,
      "column 'age' (int32) is not a boolean condition; compare it, for example age > 0",
    );
  });

  it("writes the example with backticks when the column needs them", () => {
    expectFailure("`in` and qc_pass", 0, "for example `in` > 0");
  });

  it("refuses not on a string column", () => {
    expectFailure("not name", 0, "column 'name' (string) is not a boolean condition");
  });

  it("refuses a bare None and a bare list", () => {
    expectFailure("None", 0, "None is not a boolean condition");
    expectFailure("True and None", 9, "None is not a boolean condition");
    expectFailure("[1, 2]", 0, "a list is not a boolean condition");
  });
});

describe("misuse of in, lists and calls", () => {
  it("asks for a list literal after in", () => {
    expectFailure("name in 'bob'", 5, "in needs a list literal such as ['A', 'B']");
  });

  it("asks for a column on the left of in", () => {
    expectFailure("'a' in ['a']", 4, "in needs a column on its left");
  });

  it("allows only literals in a list", () => {
    expectFailure("name in [name]", 9, "a list may hold only literal values");
  });

  it("refuses a list on either side of a comparison", () => {
    expectFailure("age == [1, 2]", 4, "'==' cannot take a list; use in or not in");
  });

  it("names the functions and methods that exist", () => {
    expectFailure("sqrt(age) > 3", 0, "unknown function 'sqrt'; functions are isnull, notnull");
    expectFailure("age.isnan()", 4, "unknown method 'isnan'; methods are isnull()");
  });

  it("checks the number of arguments", () => {
    expectFailure("between(age, 1)", 0, "between() takes 3 arguments, got 2");
    expectFailure("isnull()", 0, "isnull() takes 1 argument, got 0");
    expectFailure("age.isnull(1)", 11, "these methods take no arguments, found '1'");
    expectFailure("age.isnull", 10, "expected '(' after the method name");
  });
});

describe("syntax errors", () => {
  it.each([
    ["age = 3", 4, "unexpected character '=' (use == to compare)"],
    ["!qc_pass", 0, "unexpected character '!' (use != or not)"],
    ["age @ 3", 4, "unexpected character '@'"],
    ["name == 'bob", 8, "this string is never closed"],
    ["'a\\q' == name", 2, "unknown escape '\\q' in a string"],
    ["(age > 3", 8, "expected ')' to close the '(' at position 0, found the end of the expression"],
    ["`site name == 'x'", 0, "this backtick-quoted name is never closed"],
    ["`` == 1", 0, "a backtick-quoted name cannot be empty"],
    ["age > 3 and", 11, "the expression ends where a value was expected"],
    ["age > 3 4", 8, "unexpected '4'; expected and, or or the end"],
    ["age >> 3", 5, "expected a value, a column or '(', found '>'"],
    ["age in [1 2]", 10, "expected ',' or ']' in the list, found '2'"],
    ["in == 3", 0, "'in' is a keyword here; quote a column of that name in backticks: `in`"],
    ["3abc > 1", 1, "unexpected 'a' after the number 3"],
    ["x.`isnull`()", 2, "expected a method name after '.', found '`isnull`'"],
  ])("%j fails at position %d: %s", (expression, position, reason) => {
    const error = queryError(() => parseQuery(expression));
    expect(error.position).toBe(position);
    expect(error.reason).toBe(reason);
  });
});

describe("limits", () => {
  it("refuses nesting deeper than the parser allows, at the position where it gets too deep", () => {
    const error = queryError(() => parseQuery(`${"(".repeat(500)}age > 1${")".repeat(500)}`));
    expect(error.reason).toBe("the expression nests deeper than 200 levels");
    expect(error.position).toBeLessThan(500);
  });

  it("refuses a flat chain of more than 1000 operations, which would overflow the evaluator's stack", () => {
    const error = queryError(() => parseQuery(`age${" + age".repeat(5000)} > 1`));
    expect(error.reason).toContain("chains more than 1000 operations");
  });

  it("still runs a chain of 900 or-ed comparisons", () => {
    const query = Array.from({ length: 900 }, (_, i) => `age == ${i}`).join(" or ");
    expect(Array.from(compileQuery(query).rows(people))).toEqual([0, 1, 2, 3, 5]);
  });
});

describe("messages of long expressions", () => {
  /** The excerpt line and the character the caret line points at (code points, as shown). */
  function pointedAt(error: QueryError): { excerpt: string; character: string } {
    const [, excerptLine, caretLine] = error.message.split("\n");
    const excerpt = excerptLine!.slice(2);
    const column = caretLine!.indexOf("^") - 2;
    expect(caretLine!.slice(2).trim()).toBe("^");
    return { excerpt, character: [...excerpt][column]! };
  }

  /** `name in ['p00000', 'p00001', ...]`, about 250 KB. */
  const longList = `name in [${Array.from({ length: 25_000 }, (_, i) => `'p${String(i).padStart(5, "0")}'`).join(", ")}]`;

  it("shows ~80 characters around a fault at the end of a 250 KB expression, not all of it", () => {
    const expression = `${longList} and hieght > 2`;
    expect(expression.length).toBeGreaterThan(250_000);
    const error = failure(expression);
    expect(error.position).toBe(expression.length - "hieght > 2".length);
    expect(error.expression).toBe(expression);
    expect(new TextEncoder().encode(error.message).length).toBeLessThan(1024);
    const { excerpt, character } = pointedAt(error);
    expect(character).toBe("h");
    expect(excerpt.startsWith("…")).toBe(true);
    expect(excerpt.endsWith("and hieght > 2")).toBe(true);
    expect([...excerpt].length).toBeLessThanOrEqual(81);
    expect(error.reason).toContain("unknown column 'hieght'");
  });

  it("cuts both sides around a fault in the middle and keeps the caret on it", () => {
    const half = Array.from({ length: 9_000 }, (_, i) => `age == ${i}`).join(" or ");
    const expression = `(${half}) and age >> 3 and (${half})`;
    expect(expression.length).toBeGreaterThan(250_000);
    const error = failure(expression);
    expect(error.position).toBe(expression.indexOf(">> 3") + 1);
    expect(new TextEncoder().encode(error.message).length).toBeLessThan(1024);
    const { excerpt, character } = pointedAt(error);
    expect(character).toBe(">");
    expect(excerpt.startsWith("…")).toBe(true);
    expect(excerpt.endsWith("…")).toBe(true);
    expect(excerpt).toContain("and age >> 3 and");
    expect(error.message.split("\n")[0]).toBe(
      `expected a value, a column or '(', found '>' at position ${error.position}`,
    );
  });

  it("cuts only the end when the fault is at the start", () => {
    const error = failure(`agee > 3 and ${longList}`);
    expect(error.position).toBe(0);
    const { excerpt, character } = pointedAt(error);
    expect(character).toBe("a");
    expect(excerpt.startsWith("agee > 3 and name in ['p00000'")).toBe(true);
    expect(excerpt.endsWith("…")).toBe(true);
    expect(new TextEncoder().encode(error.message).length).toBeLessThan(1024);
  });

  it("clips a 250 KB column name in the reason and says how long it was", () => {
    const name = "x".repeat(250_000);
    const error = failure(`${name} > 1`);
    expect(error.reason).toContain(`unknown column '${"x".repeat(40)}… (250000 characters)'`);
    expect(new TextEncoder().encode(error.message).length).toBeLessThan(1024);
  });

  it("clips a 250 KB string literal quoted in a reason", () => {
    const error = failure(`age == '${"y".repeat(250_000)}'`);
    expect(error.reason).toContain(`string "${"y".repeat(40)}… (250000 characters)"`);
    expect(new TextEncoder().encode(error.message).length).toBeLessThan(1024);
  });

  it("lists at most 20 available columns and counts the rest", () => {
    const columns = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [
        `column_${i}`,
        columnFromValues("int32", Int32Array.of(i)),
      ]),
    );
    const table = MetaTable.fromColumns(columns);
    const error = queryError(() => compileQuery("zzz > 1").rows(table));
    expect(error.reason).toContain("column_19, … (480 more)");
    expect(error.reason).not.toContain("column_20,");
  });

  it("shows line breaks and tabs as spaces so that the caret stays under the fault", () => {
    const error = failure("age > 3\nand\thieght > 2");
    expect(error.message.split("\n")).toEqual([
      `${error.reason} at position 12`,
      "  age > 3 and hieght > 2",
      "              ^",
    ]);
  });

  it("counts a character outside the BMP as one column for the caret", () => {
    const error = failure("name == '😀😀' and hieght > 2");
    expect(error.position).toBe("name == '😀😀' and ".length);
    expect(pointedAt(error).character).toBe("h");
  });

  it("never splits a character outside the BMP at the edges of the excerpt", () => {
    const emoji = "😀".repeat(100);
    for (const pad of ["", "a"]) {
      const expression = `name == '${pad}${emoji}' and hieght > 2 and name == '${emoji}'`;
      const { excerpt, character } = pointedAt(failure(expression));
      expect(character).toBe("h");
      expect(excerpt).not.toMatch(
        /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/,
      );
    }
  });
});
