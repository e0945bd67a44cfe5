/** Short readable summaries of results, shared by the commands. */

import type { DecompositionResult } from "tensortools";
import { cellText, textTable } from "./tables.js";

/** The component table as aligned text (singular values or weights, explained variance). */
export function componentSummary(result: DecompositionResult): string {
  const table = result.factorTables.component;
  if (table === undefined) return "(no component table)";
  const names = table.columnNames;
  const rows = Array.from({ length: table.numRows }, (_, r) =>
    names.map((n) => cellText(table.get(r, n))),
  );
  return textTable(names, rows);
}
