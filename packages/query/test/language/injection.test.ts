/**
 * The query language never reaches eval, Function or a host object: known injection strings are
 * QueryErrors or plain column lookups that fail as unknown columns, and nothing runs.
 */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { columnFromCells, MetaTable } from "@tt/schema";
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { compileQuery, compileQueryToSql, parseQuery } from "../../src/index.js";
import { peopleTable, queryError, selected } from "./helpers.js";

const people = peopleTable();

/** Every injection string, with the start of the reason it must fail with. */
const INJECTIONS: [string, string][] = [
  ["__proto__", "unknown column '__proto__'"],
  ["constructor", "unknown column 'constructor'"],
  ["this", "unknown column 'this'"],
  ["globalThis", "unknown column 'globalThis'"],
  ["process", "unknown column 'process'"],
  ["constructor.constructor('return process')()", "unknown method 'constructor'"],
  ["globalThis.process.exit()", "unknown method 'process'"],
  ["process.exit(1)", "unknown method 'exit'"],
  ["require('fs')", "unknown function 'require'"],
  ["import('fs')", "unknown function 'import'"],
  ["eval('1')", "unknown function 'eval'"],
  ["Function('return this')()", "unknown function 'Function'"],
  ["constructor(1)", "unknown function 'constructor'"],
  ["__proto__(name)", "unknown function '__proto__'"],
  ["toString()", "unknown function 'toString'"],
  ["name.toString()", "unknown method 'toString'"],
  ["name.__proto__.polluted == 1", "unknown method '__proto__'"],
  ["label == '' ; process.exit()", "unexpected character ';'"],
  ["name == '' || process.exit()", "expected a value, a column or '(', found '|'"],
  ["name == '' && process.exit()", "expected a value, a column or '(', found '&'"],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal, meant as plain text
  ["`${process.exit()}`", "unknown column '${process.exit()}'"],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal, meant as plain text
  ["name == `${globalThis}`", "unknown column '${globalThis}'"],
  ["x = 1", "unexpected character '='"],
  ["name = 'x'; process.exit()", "unexpected character '='"],
  ["name['constructor']", "unexpected '['"],
  ["(() => process.exit())()", "unexpected character '='"],
  ["new Function('x')", "unexpected 'Function'"],
  ["name == '\\x41'", "unknown escape '\\x'"],
  ["$ne", "unexpected character '$'"],
];

describe("known injection strings", () => {
  let exit: MockInstance;
  let evalSpy: MockInstance;
  let globalsBefore: string[];
  let prototypeBefore: string[];

  beforeEach(() => {
    exit = vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new Error(`process.exit(${code}) was called`);
    });
    evalSpy = vi.spyOn(globalThis, "eval");
    globalsBefore = Object.getOwnPropertyNames(globalThis).sort();
    prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  });

  afterEach(() => {
    expect(exit).not.toHaveBeenCalled();
    expect(evalSpy).not.toHaveBeenCalled();
    expect(Object.getOwnPropertyNames(globalThis).sort()).toEqual(globalsBefore);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    vi.restoreAllMocks();
  });

  it.each(INJECTIONS)("%j is a QueryError (%s) and runs nothing", (expression, reason) => {
    const error = queryError(() => compileQuery(expression).rows(people));
    expect(error.reason.startsWith(reason), error.reason).toBe(true);
  });

  it.each(INJECTIONS)(
    "%j compiles to SQL with no user text outside identifiers, or fails",
    (expression) => {
      const columns = Object.fromEntries(people.schema.map((field) => [field.name, field.type]));
      let sql: string | undefined;
      try {
        sql = compileQueryToSql(expression, { columns }).sql;
      } catch (error) {
        expect(error).toHaveProperty("tag", "query");
      }
      // The SQL compiler does not know the columns, so what parses compiles, but user text
      // appears only inside quoted identifiers; the rest is SQL keywords and placeholders.
      const rest = sql?.replace(/"(?:[^"]|"")*"/g, "") ?? "";
      expect(rest).toMatch(/^(?:[\s()?,=<>+\-*/]|COALESCE|TRUE|FALSE|AND|OR|NOT|IN)*$/);
    },
  );
});

describe("names that are special in JavaScript", () => {
  const special = MetaTable.fromColumns([
    ["__proto__", columnFromCells("string", ["a", "b"])],
    ["constructor", columnFromCells("float64", [1, 2])],
    ["process.exit()", columnFromCells("boolean", [true, false])],
  ]);

  it("are plain column lookups when the table has such columns", () => {
    expect(selected(special, "__proto__ == 'b'")).toEqual([1]);
    expect(selected(special, "constructor > 1")).toEqual([1]);
    expect(selected(special, "`process.exit()`")).toEqual([0]);
  });

  it("are unknown columns, listing the real ones, when it does not", () => {
    const error = queryError(() => compileQuery("hasOwnProperty == 1").rows(people));
    expect(error.reason).toContain("unknown column 'hasOwnProperty'");
    expect(error.reason).toContain("Available columns: name, age");
  });
});

describe("very long and deeply nested inputs", () => {
  it.each([
    ["parentheses", `${"(".repeat(100_000)}age > 1${")".repeat(100_000)}`],
    ["not", `${"not ".repeat(100_000)}qc_pass`],
    ["~", `${"~".repeat(100_000)}qc_pass`],
    ["unary minus", `${"-".repeat(100_000)}age > 1`],
    ["lists", `age in ${"[".repeat(100_000)}`],
    ["calls", `${"isnull(".repeat(100_000)}age${")".repeat(100_000)}`],
  ])("refuses 100000 levels of %s with a QueryError", (_, expression) => {
    expect(queryError(() => parseQuery(expression)).reason).toContain("nests deeper than 200");
  });

  it.each([
    ["and", `age > 1${" and age > 1".repeat(50_000)}`],
    ["+", `age${" + age".repeat(50_000)} > 1`],
    ["chained <", `age${" < age".repeat(50_000)}`],
    ["method calls", `age${".isnull()".repeat(50_000)}`],
  ])("refuses a chain of 50000 %s with a QueryError, not a stack overflow", (_, expression) => {
    expect(queryError(() => compileQuery(expression).rows(people)).reason).toContain(
      "chains more than 1000 operations",
    );
    expect(() => compileQueryToSql(expression)).toThrow(/chains more than 1000/);
  });

  it("evaluates a string literal of a million characters as a plain value", () => {
    expect(selected(people, `name == '${"a".repeat(1_000_000)}'`)).toEqual([]);
  });

  it("evaluates a list of 100000 literals", () => {
    const list = Array.from({ length: 100_000 }, (_, i) => i).join(", ");
    expect(selected(people, `age in [${list}]`)).toEqual([0, 1, 2, 3, 5]);
  });

  it("reports an unknown column name of a million characters", () => {
    const error = queryError(() => compileQuery(`${"x".repeat(1_000_000)} > 1`).rows(people));
    expect(error.reason).toContain("unknown column");
  });
});

describe("the language's source", () => {
  const files = ["ast", "lexer", "parser", "evaluate", "vectors", "suggest", "query", "sql"];

  it.each(files)(
    "src/%s.ts names no eval, Function, global object, process or module loader",
    (file) => {
      const source = readFileSync(resolve(import.meta.dirname, `../../src/${file}.ts`), "utf8");
      const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
      expect(code).not.toMatch(
        /\beval\b|\bFunction\b|globalThis|\bwindow\b|\bprocess\b|\brequire\b|\bimport\(|Reflect|Proxy/,
      );
    },
  );
});
