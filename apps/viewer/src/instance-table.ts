/**
 * The instance table: the first rows of the current matches (never one DOM row per instance),
 * the id and scores first, then the rest of the metadata. A click on a row selects it.
 */

import type { MetaTable } from "tensortools/browser";
import { cellText, element } from "./dom.js";

/** How many matching rows the table shows at most. */
export const TABLE_ROWS = 100;

/** The table's columns: the id column, the leading columns given, then all others in order. */
export function tableColumns(table: MetaTable, first: readonly string[]): string[] {
  const leading = first.filter((name) => table.has(name));
  return [...new Set([...leading, ...table.columnNames])];
}

/**
 * Renders the first {@link TABLE_ROWS} of `rows` into `container`. Each row carries `data-row`
 * (its table row) and the selected one the class `selected`; `container.dataset.rows` is the
 * number of rows shown.
 */
export function renderInstanceTable(
  container: HTMLElement,
  table: MetaTable,
  columns: readonly string[],
  rows: Int32Array,
  selected: number | undefined,
  onPick: (row: number) => void,
): void {
  const shown = rows.subarray(0, TABLE_ROWS);
  const head = element("thead", {}, [
    element(
      "tr",
      {},
      columns.map((name) => element("th", { text: name, scope: "col" })),
    ),
  ]);
  const body = element(
    "tbody",
    {},
    Array.from(shown, (row) => {
      const tr = element(
        "tr",
        { "data-row": row, className: row === selected ? "selected" : undefined },
        columns.map((name) => element("td", { text: cellText(table.get(row, name)) })),
      );
      tr.addEventListener("click", () => onPick(row));
      return tr;
    }),
  );
  container.replaceChildren(element("table", {}, [head, body]));
  container.dataset.rows = String(shown.length);
}
