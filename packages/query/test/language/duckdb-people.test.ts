/**
 * DuckDB and the evaluator agree on the hand-made table too, where the real data has no
 * examples: NaN beside null, microsecond timestamps, a session TimeZone other than UTC.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileQuery, compileQueryToSql } from "../../src/index.js";
import { duckDbRows, openDuckDb, ROW } from "./duckdb.js";
import { peopleTable } from "./helpers.js";

const people = peopleTable();

// The rows of helpers.ts peopleTable, written out again as DuckDB literals (tags left out).
const CREATE = `
  CREATE TABLE people (${ROW} INTEGER, name VARCHAR, age INTEGER, score DOUBLE, qc_pass BOOLEAN,
    visits BIGINT, day TIMESTAMPTZ, "site name" VARCHAR, "in" FLOAT);
  INSERT INTO people VALUES
    (0, 'ann', 34, 0.5, TRUE, 1, '2024-01-01 00:00:00+00', 'north', 1),
    (1, 'bob', 61, 'NaN', FALSE, 2, '2024-03-15 12:30:00+00', 'south', 2),
    (2, 'cy', 17, NULL, NULL, 3, NULL, 'north', 3),
    (3, NULL, 45, 0.9, TRUE, NULL, '2023-12-31 23:59:59.999+00', 'east', 4),
    (4, 'dee', NULL, 0.25, TRUE, 2, '2024-01-01 00:00:00.000001+00', NULL, 5),
    (5, 'O''Neil', 70, 0.001, FALSE, 9007199254740991, '1969-07-20 20:17:00+00', 'south', 6);`;

const EXPRESSIONS = [
  "name != 'bob'",
  "name < 'c'",
  `name == "O'Neil"`,
  "`site name` == 'north'",
  "age != 45",
  "`in` > 4",
  "score > 0.3",
  "score >= 0.5",
  "score <= 0.5",
  "score != 0.5",
  "score == score",
  "score != score",
  "score.isnull()",
  "notna(score)",
  "between(score, 0, 1)",
  "score + 1 > 1.2",
  "visits == 9007199254740991",
  "visits in [1, 3]",
  "qc_pass",
  "not qc_pass",
  "qc_pass != True",
  "qc_pass not in [True]",
  "qc_pass == (age > 40)",
  "not (qc_pass and age < 40)",
  "not (qc_pass or age > 40)",
  "qc_pass or age < 20",
  "name not in ['ann', 'cy']",
  "age in [34.0]",
  "30 < age <= 61",
  "(age - 30) * 2 > 20",
  "age + score > 34",
  "age + None > 0",
  "(age + None).isnull()",
  "(score + 1).isnull()",
  "(age - 34) / (age - 34) > 0",
  "((age - 34) / (age - 34)).notnull()",
  "age / 0 > 1000",
  "-score < 0",
  "between(score * 2, 0, 1.8)",
  "name != None",
  "day > '2024-01-01'",
  "day >= '2024-01-01'",
  "day == '2024-01-01 00:00:00.000001'",
  "day < '2024-01-01T01:00:00+01:00'",
  "day != '2024-01-01'",
  "day in ['2024-01-01', '2024-03-15T12:30:00Z']",
  "day not in ['2024-01-01']",
  "between(day, '2023-12-31', '2024-01-01')",
  "day < '1970-01-01'",
  "day < '0070-01-01'",
];

let connection: DuckDBConnection;

beforeAll(async () => {
  connection = await openDuckDb();
  await connection.run(CREATE);
});

afterAll(() => connection?.closeSync());

describe.each(["UTC", "America/New_York", "Asia/Kolkata"])("in a DuckDB session in %s", (zone) => {
  beforeAll(async () => {
    await connection.run(`SET TimeZone = '${zone}'`);
  });

  it.each(EXPRESSIONS)("DuckDB agrees with the evaluator on %s", async (expression) => {
    const ours = Array.from(compileQuery(expression).rows(people));
    expect(await duckDbRows(connection, "people", expression, people)).toEqual(ours);
  });
});

describe("string literals that look like SQL", () => {
  it.each([
    "'; DROP TABLE people; --",
    "x' OR '1'='1",
    'Robert"); DROP TABLE people;--',
    "\\'; DELETE FROM people; --",
  ])("%s stays a parameter and selects nothing", async (text) => {
    const quoted = text.replaceAll("\\", "\\\\").replaceAll("'", "\\'");
    const expression = `name == ${JSON.stringify(text)} or name == '${quoted}'`;
    const { sql, params } = compileQueryToSql(expression);
    expect(params).toEqual([text, text]);
    expect(sql).not.toContain("DROP");
    expect(sql).not.toContain("DELETE");
    expect(await duckDbRows(connection, "people", expression, people)).toEqual([]);
    const count = await connection.runAndReadAll("SELECT count(*) FROM people");
    expect(Number(count.getRowsJS()[0]![0])).toBe(6);
  });
});
