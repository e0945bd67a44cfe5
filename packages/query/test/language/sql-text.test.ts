/** The text and parameters compileQueryToSql produces for DuckDB. */

import type { LogicalType } from "@tt/schema";
import { describe, expect, it } from "vitest";
import { compileQueryToSql } from "../../src/index.js";
import { queryError } from "./helpers.js";

const columns: Record<string, LogicalType> = {
  score: "float64",
  x: "float32",
  age: "int32",
  day: "timestamp",
};

/** The SQL and parameters of `expression`, with the column types above. */
const sql = (expression: string) => compileQueryToSql(expression, { columns });

describe("compiling to parameterized SQL", () => {
  it.each([
    [
      "label == 'target' and qc_pass and age > 60",
      `((COALESCE(("label" = ?), FALSE) AND "qc_pass") AND COALESCE(("age" > ?), FALSE))`,
      ["target", 60],
    ],
    ["group not in ['A', None, 'B']", `COALESCE(("group" NOT IN (?, ?)), TRUE)`, ["A", "B"]],
    ["g in []", "FALSE", []],
    ["g not in [None]", "TRUE", []],
    ["not qc_pass or ~flag", `((NOT "qc_pass") OR (NOT "flag"))`, []],
    ["between(age, 18, 65)", `COALESCE(("age" BETWEEN ? AND ?), FALSE)`, [18, 65]],
    ["1 < age < 5", `(COALESCE((? < "age"), FALSE) AND COALESCE(("age" < ?), FALSE))`, [1, 5]],
    ["flag == True", `COALESCE(("flag" = TRUE), FALSE)`, []],
    ["name == None", `COALESCE(("name" = NULL), FALSE)`, []],
    ["name != null", `COALESCE(("name" <> NULL), TRUE)`, []],
    ["age.notnull()", `(NOT ("age" IS NULL))`, []],
    ["True", "TRUE", []],
    ['`say "hi"` == 1', `COALESCE(("say ""hi""" = ?), FALSE)`, [1]],
  ])("compiles %s", (expression, text, params) => {
    expect(sql(expression)).toEqual({ sql: text, params });
  });

  it("leaves the parameters in the order of their placeholders", () => {
    const { sql: text, params } = sql("name in ['a', 'b'] or between(age, 1, 2) and label != 'c'");
    expect(text.split("?").length - 1).toBe(params.length);
    expect(params).toEqual(["a", "b", 1, 2, "c"]);
  });

  it("compiles without column types, as in the documented example", () => {
    expect(compileQueryToSql("label == 'target' and score > 0.8")).toEqual({
      sql: `(COALESCE(("label" = ?), FALSE) AND COALESCE(("score" > ?), FALSE))`,
      params: ["target", 0.8],
    });
  });

  it("raises the parser's QueryErrors", () => {
    expect(queryError(() => sql("age >")).position).toBe(5);
  });
});

describe("NaN, which DuckDB sorts above every number and holds equal to itself", () => {
  it("makes comparisons with a float column false for NaN, as the evaluator does", () => {
    expect(sql("score > 0.8").sql).toBe(
      `COALESCE((("score" > ?) AND NOT (isnan("score"))), FALSE)`,
    );
    expect(sql("score == x").sql).toBe(
      `COALESCE((("score" = "x") AND NOT (isnan("score") OR isnan("x"))), FALSE)`,
    );
  });

  it("makes != true for NaN, as pandas does", () => {
    expect(sql("score != 0.5")).toEqual({
      sql: `COALESCE((("score" <> ?) OR isnan("score")), TRUE)`,
      params: [0.5],
    });
  });

  it("guards arithmetic, which can give NaN from any column, repeating its parameters in order", () => {
    expect(sql("age / 2 >= 3")).toEqual({
      sql: `COALESCE(((("age" / ?) >= ?) AND NOT (isnan(("age" / ?)))), FALSE)`,
      params: [2, 3, 2],
    });
  });

  it("counts NaN as null in isnull for float columns and arithmetic, not for integers", () => {
    expect(sql("score.isnull()").sql).toBe(`("score" IS NULL OR isnan("score"))`);
    expect(sql("(age + 1).isnull()")).toEqual({
      sql: `(("age" + ?) IS NULL OR isnan(("age" + ?)))`,
      params: [1, 1],
    });
    expect(sql("isnull(age)").sql).toBe(`("age" IS NULL)`);
  });

  it("guards between on a float column", () => {
    expect(sql("between(score, 0, 1)").sql).toBe(
      `COALESCE((("score" BETWEEN ? AND ?) AND NOT (isnan("score"))), FALSE)`,
    );
  });
});

describe("timestamps", () => {
  it("casts ISO strings compared with a timestamp column, as explicit UTC instants", () => {
    expect(sql("day >= '2024-01-01'")).toEqual({
      sql: `COALESCE(("day" >= CAST(? AS TIMESTAMPTZ)), FALSE)`,
      params: ["2024-01-01T00:00:00.000000Z"],
    });
  });

  it("converts a zone offset and keeps microseconds", () => {
    expect(sql("'2024-01-01T01:00:00.5+01:00' < day").params).toEqual([
      "2024-01-01T00:00:00.500000Z",
    ]);
    expect(sql("day == '2024-01-01 00:00:00.000001'").params).toEqual([
      "2024-01-01T00:00:00.000001Z",
    ]);
  });

  it("casts every item of a list and both bounds of between", () => {
    expect(sql("day in ['1969-07-20 20:17', '0050-01-01']")).toEqual({
      sql: `COALESCE(("day" IN (CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ))), FALSE)`,
      params: ["1969-07-20T20:17:00.000000Z", "0050-01-01T00:00:00.000000Z"],
    });
    expect(sql("between(day, '2024-01-01', '2024-12-31')").params).toEqual([
      "2024-01-01T00:00:00.000000Z",
      "2024-12-31T00:00:00.000000Z",
    ]);
  });

  it("refuses a string that is no ISO date with a QueryError at the string", () => {
    const error = queryError(() => sql("day > 'soon'"));
    expect(error.position).toBe(6);
    expect(error.reason).toContain(`string "soon" is not an ISO date or date-time`);
  });
});

describe("user text never becomes SQL", () => {
  it.each(["'; DROP TABLE t; --", "x' OR '1'='1", 'Robert"); DROP TABLE students;--', "?", "$1"])(
    "keeps the string %j a parameter",
    (text) => {
      expect(sql(`label == ${JSON.stringify(text)}`)).toEqual({
        sql: `COALESCE(("label" = ?), FALSE)`,
        params: [text],
      });
    },
  );

  it("quotes a column name with SQL in it as one identifier", () => {
    expect(sql('`a" = 1; DROP TABLE t; --` == 1').sql).toBe(
      `COALESCE(("a"" = 1; DROP TABLE t; --" = ?), FALSE)`,
    );
  });
});
