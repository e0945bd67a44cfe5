/**
 * Fuzzing the parser, evaluator and SQL compiler with fast-check: whatever the input, they
 * return or throw a QueryError, nothing else. A hang fails the test through its timeout.
 */

import { QueryError } from "@tt/schema";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileQuery, compileQueryToSql, parseQuery } from "../../src/index.js";
import { peopleTable } from "./helpers.js";

const people = peopleTable();
const columns = Object.fromEntries(people.schema.map((field) => [field.name, field.type]));
const RUNS = 1000;
const TIMEOUT_MS = 60_000;

/** Runs `work`; true when it returns, true when it throws a QueryError, and rethrows the rest. */
function onlyQueryErrors(work: () => unknown): boolean {
  try {
    work();
  } catch (error) {
    if (error instanceof QueryError) return true;
    throw error;
  }
  return true;
}

/** Every kind of token of the language, including near misses and columns of the table. */
const TOKENS = [
  ...["==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "(", ")", "[", "]", ",", "."],
  ...["&", "|", "~", "=", "!", "'", '"', "`", "\\", ";", "$", "{", "}", "@"],
  ...["and", "or", "not", "in", "not in", "True", "False", "true", "false", "None", "null"],
  ...["isnull", "notnull", "isna", "notna", "between", ".isnull()", ".notna()", "isnull("],
  ...["name", "age", "score", "qc_pass", "visits", "day", "`site name`", "`in`", "tags"],
  ...["nope", "`nope`", "__proto__", "constructor", "process", "this"],
  ...["0", "1", "-1", ".5", "1e-3", "1e999", "9007199254740993", "1.", "1e", "0x1"],
  ...["'bob'", '"O\'Neil"', "'2024-01-01'", "'2024-01-01T00:00:00Z'", "''", "'\\u00e9'", "'\\q'"],
];

/** The tokens that hold no quote, so that the spaces between them are never inside a literal. */
const UNQUOTED = TOKENS.filter((token) => !/['"`\\]/.test(token));

const tokenSoup = fc
  .array(fc.constantFrom(...TOKENS), { maxLength: 25 })
  .chain((tokens) =>
    fc
      .array(fc.constantFrom(" ", "", "\t"), { minLength: tokens.length, maxLength: tokens.length })
      .map((gaps) => tokens.map((token, i) => gaps[i] + token).join("")),
  );

const anyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(..."()[]'\"`\\ =!<>&|~.,-+*/0123456789eaTN_"), maxLength: 80 }),
);

describe("fuzzing with random text", () => {
  it(
    "never makes the parser throw anything but a QueryError",
    () => {
      fc.assert(
        fc.property(anyText, (text) => onlyQueryErrors(() => parseQuery(text))),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "never makes parse and evaluate throw anything but a QueryError",
    () => {
      fc.assert(
        fc.property(anyText, (text) => onlyQueryErrors(() => compileQuery(text).mask(people))),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});

describe("fuzzing with token soups of the language", () => {
  it(
    "never makes the parser throw anything but a QueryError",
    () => {
      fc.assert(
        fc.property(tokenSoup, (text) => onlyQueryErrors(() => parseQuery(text))),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "either evaluates to a 0/1 mask with one entry per row or throws a QueryError",
    () => {
      fc.assert(
        fc.property(tokenSoup, (text) =>
          onlyQueryErrors(() => {
            const mask = compileQuery(text).mask(people);
            expect(mask.length).toBe(people.numRows);
            expect(mask.every((bit) => bit === 0 || bit === 1)).toBe(true);
          }),
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "either compiles to SQL with user text only in quoted identifiers or throws a QueryError",
    () => {
      fc.assert(
        fc.property(tokenSoup, (text) =>
          onlyQueryErrors(() => {
            const { sql, params } = compileQueryToSql(text, { columns });
            const rest = sql.replace(/"(?:[^"]|"")*"/g, "");
            expect(rest).not.toMatch(/'|;|--/);
            expect(rest.split("?").length - 1).toBe(params.length);
          }),
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );

  it(
    "parses whatever it parses again to the same tree when spaced out differently",
    () => {
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...UNQUOTED), { maxLength: 25 }), (tokens) => {
          let tree: unknown;
          try {
            tree = parseQuery(tokens.join(" "));
          } catch (error) {
            if (error instanceof QueryError) return;
            throw error;
          }
          const strip = (value: unknown) => JSON.stringify(value, (k, v) => (k === "pos" ? 0 : v));
          expect(strip(parseQuery(tokens.join("  \n")))).toBe(strip(tree));
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
