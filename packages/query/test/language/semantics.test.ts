/**
 * What each operator selects on a small hand-made table, with pandas semantics: comparisons
 * with null are false (true for != and not in), NaN is no value for isnull, and/or are Kleene.
 * Expected rows are worked out by hand from the table in helpers.ts.
 */

import { describe, expect, it } from "vitest";
import { compileQuery, queryRows } from "../../src/index.js";
import { peopleTable, selected } from "./helpers.js";

const people = peopleTable();
const ALL = [0, 1, 2, 3, 4, 5];

/** One `it` per [expression, expected rows]. */
function cases(table: [string, number[]][]): void {
  it.each(table)("%s selects rows %j", (expression, rows) => {
    expect(selected(people, expression)).toEqual(rows);
  });
}

describe("comparing strings", () => {
  cases([
    ["name == 'bob'", [1]],
    ["name != 'bob'", [0, 2, 3, 4, 5]],
    ["name < 'c'", [0, 1, 5]],
    ["name >= 'cy'", [2, 4]],
    [`name == "O'Neil"`, [5]],
    ["name == 'O\\'Neil'", [5]],
    ["`site name` == 'north'", [0, 2]],
    ["name == `site name`", []],
  ]);
});

describe("comparing numbers, with a null age in row 4", () => {
  cases([
    ["age > 40", [1, 3, 5]],
    ["age >= 61", [1, 5]],
    ["age < 34", [2]],
    ["age <= 34", [0, 2]],
    ["age == 45", [3]],
    ["age != 45", [0, 1, 2, 4, 5]],
    ["age > -1", [0, 1, 2, 3, 5]],
    ["age > 1e-3", [0, 1, 2, 3, 5]],
    ["`in` > 4", [4, 5]],
  ]);
});

describe("NaN in a float column (row 1) against null (row 2)", () => {
  cases([
    ["score > 0.3", [0, 3]],
    ["score <= 0.5", [0, 4, 5]],
    ["score < .3", [4, 5]],
    ["score == 1e-3", [5]],
    ["score != 0.5", [1, 2, 3, 4, 5]],
    ["score == score", [0, 3, 4, 5]],
    ["score != score", [1, 2]],
  ]);
});

describe("null tests", () => {
  cases([
    ["score.isnull()", [1, 2]],
    ["score.isna()", [1, 2]],
    ["isnull(score)", [1, 2]],
    ["isna(score)", [1, 2]],
    ["score.notnull()", [0, 3, 4, 5]],
    ["notnull(score)", [0, 3, 4, 5]],
    ["notna(score)", [0, 3, 4, 5]],
    ["name.isnull()", [3]],
    ["isnull(age)", [4]],
    ["qc_pass.isnull()", [2]],
    ["day.isnull()", [2]],
    ["visits.isnull()", [3]],
    ["not score.isnull()", [0, 3, 4, 5]],
    ["isnull(None)", ALL],
    ["notnull(1)", ALL],
    ["(age + None).isnull()", ALL],
  ]);
});

describe("int64 columns", () => {
  cases([
    ["visits == 2", [1, 4]],
    ["visits > 2", [2, 5]],
    ["visits == 9007199254740991", [5]],
    ["visits in [1, 3]", [0, 2]],
    ["visits * 2 == 4", [1, 4]],
  ]);
});

describe("boolean columns and literals, with a null qc_pass in row 2", () => {
  cases([
    ["qc_pass", [0, 3, 4]],
    ["not qc_pass", [1, 5]],
    ["~qc_pass", [1, 5]],
    ["not not qc_pass", [0, 3, 4]],
    ["qc_pass == True", [0, 3, 4]],
    ["qc_pass == False", [1, 5]],
    ["qc_pass != True", [1, 2, 5]],
    ["qc_pass in [False]", [1, 5]],
    ["qc_pass not in [True]", [1, 2, 5]],
    ["qc_pass == (age > 40)", [3]],
    ["True", ALL],
    ["true", ALL],
    ["False", []],
    ["not True", []],
    ["not False", ALL],
    ["True and qc_pass", [0, 3, 4]],
  ]);
});

describe("Kleene and, or, not", () => {
  cases([
    ["qc_pass or True", ALL],
    ["qc_pass or age < 20", [0, 2, 3, 4]],
    ["qc_pass | age > 40", [0, 1, 3, 4, 5]],
    ["qc_pass and age < 40", [0]],
    ["qc_pass & age < 40", [0]],
    ["not (qc_pass and age < 40)", [1, 3, 4, 5]],
    ["not (qc_pass and age > 40)", [0, 1, 2, 4, 5]],
    ["not (qc_pass or age > 40)", []],
    ["not (age > 40)", [0, 2, 4]],
    ["~(age > 40) & name.notnull()", [0, 2, 4]],
  ]);
});

describe("in and not in", () => {
  cases([
    ["name in ['ann', 'cy']", [0, 2]],
    ["name not in ['ann', 'cy']", [1, 3, 4, 5]],
    ['name in ["ann", "zed"]', [0]],
    ["age in [34, 70]", [0, 5]],
    ["age in [34.0]", [0]],
    ["age not in [34, 70]", [1, 2, 3, 4]],
    ["name in []", []],
    ["age not in []", ALL],
  ]);
});

describe("between and chained comparisons, both inclusive as written", () => {
  cases([
    ["between(age, 34, 61)", [0, 1, 3]],
    ["between(score, 0.25, 0.5)", [0, 4]],
    ["between(name, 'b', 'd')", [1, 2]],
    ["between(age, 61, 34)", []],
    ["30 < age <= 61", [0, 1, 3]],
    ["0 < score < 0.6", [0, 4, 5]],
    ["age > 20 > 10", [0, 1, 3, 5]],
  ]);
});

describe("arithmetic", () => {
  cases([
    ["age + 1 == 35", [0]],
    ["age * 2 > 100", [1, 5]],
    ["age / 2 == 8.5", [2]],
    ["age - 70 == 0", [5]],
    ["-age < -60", [1, 5]],
    ["(age - 30) * 2 > 20", [1, 3, 5]],
    ["age + score > 34", [0, 3, 5]],
    ["1 + 2 * 3 == 7", ALL],
    ["(1 + 2) * 3 == 7", []],
    ["age + None > 0", []],
  ]);
});

describe("null literals", () => {
  cases([
    ["name == None", []],
    ["name != None", ALL],
    ["age > null", []],
  ]);
});

describe("timestamps against ISO date strings (UTC when no zone is given)", () => {
  cases([
    ["day > '2024-01-01'", [1, 4]],
    ["day >= '2024-01-01'", [0, 1, 4]],
    ["day == '2024-01-01T00:00:00Z'", [0]],
    ["day == '2024-01-01 00:00:00.000001'", [4]],
    ["day < '2024-01-01T01:00:00+01:00'", [3, 5]],
    ["day != '2024-01-01'", [1, 2, 3, 4, 5]],
    ["day in ['2024-01-01', '2024-03-15T12:30:00Z']", [0, 1]],
    ["between(day, '2023-12-31', '2024-01-01')", [0, 3]],
    ["day < '1970-01-01'", [5]],
    ["day < '0070-01-01'", []],
  ]);
});

describe("masks and row lists", () => {
  it("returns a 0/1 mask with one entry per row", () => {
    expect(Array.from(compileQuery("age > 40").mask(people))).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it("runs one compiled query on several tables", () => {
    const query = compileQuery("age > 40");
    expect(Array.from(query.rows(people.take([5, 0, 3])))).toEqual([0, 2]);
    expect(Array.from(query.rows(people.slice(0, 0)))).toEqual([]);
  });

  it("gives the same rows through queryRows", () => {
    expect(Array.from(queryRows(people, "name in ['ann', 'dee']"))).toEqual([0, 4]);
  });
});
