/** Shared by the query-language tests: catching QueryErrors, a small hand-made table, fixtures. */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  columnFromCells,
  columnFromValues,
  isTensorToolsError,
  MetaTable,
  QueryError,
} from "@tt/schema";
import { expect } from "vitest";
import { compileQuery } from "../../src/index.js";

/** The real datasets copied into the repository (fixtures/<name>/README.md). */
export const FIXTURES = resolve(import.meta.dirname, "../../../../fixtures");

/** The QueryError that `run` throws; fails when it throws nothing or anything else. */
export function queryError(run: () => unknown): QueryError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "expected a QueryError").toBeInstanceOf(QueryError);
  expect(isTensorToolsError(thrown, "query")).toBe(true);
  return thrown as QueryError;
}

/** Microseconds since the epoch of an ISO date-time with a zone. */
function micros(iso: string): bigint {
  return BigInt(Date.parse(iso)) * 1000n;
}

/**
 * Six people with every queryable type and nulls in each column. Row 1 has a NaN score (not
 * null), row 4 is one microsecond after 2024-01-01, row 5 is in 1969.
 */
export function peopleTable(): MetaTable {
  const dayValid = Uint8Array.from([1, 1, 0, 1, 1, 1]);
  const days = BigInt64Array.from([
    micros("2024-01-01T00:00:00Z"),
    micros("2024-03-15T12:30:00Z"),
    0n,
    micros("2023-12-31T23:59:59.999Z"),
    micros("2024-01-01T00:00:00Z") + 1n,
    micros("1969-07-20T20:17:00Z"),
  ]);
  return MetaTable.fromColumns([
    ["name", columnFromCells("string", ["ann", "bob", "cy", null, "dee", "O'Neil"])],
    ["age", columnFromCells("int32", [34, 61, 17, 45, null, 70])],
    ["score", columnFromCells("float64", [0.5, Number.NaN, null, 0.9, 0.25, 1e-3])],
    ["qc_pass", columnFromCells("boolean", [true, false, null, true, true, false])],
    ["visits", columnFromCells("int64", [1n, 2n, 3n, null, 2n, 9007199254740991n])],
    ["day", columnFromValues("timestamp", days, dayValid)],
    ["site name", columnFromCells("string", ["north", "south", "north", "east", null, "south"])],
    ["in", columnFromCells("float32", [1, 2, 3, 4, 5, 6])],
    ["tags", columnFromCells("list<string>", [["a"], [], ["a", "b"], null, ["c"], []])],
  ]);
}

/** The positions of the rows of `table` that `expression` selects, as a plain array. */
export function selected(table: MetaTable, expression: string): number[] {
  return Array.from(compileQuery(expression).rows(table));
}

/**
 * The rows of a fixture CSV as records of raw field texts, split by hand: the fixtures have no
 * quoted fields, which the first test of each file checks.
 */
export function csvRecords(path: string): Record<string, string>[] {
  const text = readFileSync(path, "utf8");
  expect(text.includes('"')).toBe(false);
  const [header, ...lines] = text.split(/\r?\n/).filter((line) => line.length > 0);
  const names = header!.split(",");
  return lines.map((line) => {
    const fields = line.split(",");
    expect(fields.length).toBe(names.length);
    return Object.fromEntries(names.map((name, i) => [name, fields[i]!]));
  });
}

/** The indices `i` of `records` where `keep(records[i])` holds. */
export function whereRows<T>(records: readonly T[], keep: (record: T) => boolean): number[] {
  const rows: number[] = [];
  records.forEach((record, i) => {
    if (keep(record)) rows.push(i);
  });
  return rows;
}
