/**
 * Running the query box against the joined instance metadata with the library's query language,
 * turning a failure into something the page can show inline.
 */

import { compileQuery, isTensorToolsError, type MetaTable } from "tensortools/browser";

/** Why a query failed, ready to show: the reason and, for syntax or name errors, where. */
export interface QueryProblem {
  /** The expression as typed. */
  readonly expression: string;
  /** What is wrong, without the expression and caret lines. */
  readonly reason: string;
  /** The zero-based character offset of the fault, when the error has one. */
  readonly position: number | undefined;
}

/** The rows a query selects, or why it could not. */
export type QueryOutcome =
  | { readonly ok: true; readonly expression: string; readonly rows: Int32Array }
  | { readonly ok: false; readonly problem: QueryProblem };

/** Every row of a table, in order. */
export function allRows(table: MetaTable): Int32Array {
  return Int32Array.from({ length: table.numRows }, (_, row) => row);
}

/**
 * The rows of `table` that `expression` selects; an empty expression selects all. A query error
 * of the library comes back as a {@link QueryProblem} with its reason and position, any other
 * error with its message: the page shows it and keeps the last good selection.
 */
export function runQuery(table: MetaTable, expression: string): QueryOutcome {
  const trimmed = expression.trim();
  if (trimmed === "") return { ok: true, expression: "", rows: allRows(table) };
  try {
    return { ok: true, expression, rows: compileQuery(expression).rows(table) };
  } catch (error) {
    if (isTensorToolsError(error, "query"))
      return {
        ok: false,
        problem: { expression, reason: error.reason, position: error.position },
      };
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: { expression, reason, position: undefined } };
  }
}

/** The expression with a caret line under the fault, as the command line prints it. */
export function caretLines(problem: QueryProblem): string {
  if (problem.position === undefined) return problem.expression;
  return `${problem.expression}\n${" ".repeat(problem.position)}^`;
}
