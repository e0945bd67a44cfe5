/** Query a metadata table: parse once, evaluate column-wise. */

import type { MetaTable } from "@tt/schema";
import type { QueryNode } from "./ast.js";
import { evaluateQuery } from "./evaluate.js";
import { parseQuery } from "./parser.js";

/** A parsed query, ready to run on any table. */
export interface CompiledQuery {
  /** The expression as written. */
  readonly expression: string;
  /** Its syntax tree. */
  readonly tree: QueryNode;
  /** The rows of `table` it selects, as a 0/1 mask. */
  mask(table: MetaTable): Uint8Array;
  /** The positions of the rows of `table` it selects, in order. */
  rows(table: MetaTable): Int32Array;
}

/**
 * Parses `expression` once for repeated use.
 *
 * @example
 * ```ts
 * const query = compileQuery("label == 'target' and qc_pass and score > 0.8");
 * const rows = query.rows(dataset.meta("instance"));
 * ```
 */
export function compileQuery(expression: string): CompiledQuery {
  const tree = parseQuery(expression);
  const mask = (table: MetaTable) => evaluateQuery(tree, table, expression);
  return {
    expression,
    tree,
    mask,
    rows(table) {
      const selected = mask(table);
      let count = 0;
      for (let i = 0; i < selected.length; i++) count += selected[i]!;
      const rows = new Int32Array(count);
      for (let i = 0, k = 0; i < selected.length; i++) if (selected[i]) rows[k++] = i;
      return rows;
    },
  };
}

/** The positions of the rows of `table` that satisfy `expression`. */
export function queryRows(table: MetaTable, expression: string): Int32Array {
  return compileQuery(expression).rows(table);
}
