/**
 * The instance table: one page of the current matches (never one DOM row per instance), the id
 * and scores first, then the rest of the metadata; a click on a header sorts by that column (again
 * reverses it), a click on a row selects it. Header and body cells are made from one column list
 * in one table, so every column has its header cell above it.
 */

import type { MetaTable } from "tensortools/browser";
import { cellText, element } from "./dom.js";
import { pageOfRows, type RowSort, sortRows } from "./row-order.js";

/** The page sizes offered; the first is the default. */
export const PAGE_SIZES = [100, 25, 50, 250, 1000] as const;

/** The table's columns: the id column, the leading columns given, then all others in order. */
export function tableColumns(table: MetaTable, first: readonly string[]): string[] {
  const leading = first.filter((name) => table.has(name));
  return [...new Set([...leading, ...table.columnNames])];
}

/** The instance table on the page. */
export interface InstanceTable {
  /** Shows `rows` (the matches, in table order) with `selected` marked; new rows go to page 1. */
  update(rows: Int32Array, selected: number | undefined): void;
  /** The matches in the order shown: sorted by the header clicked, else in table order. */
  order(): Int32Array;
}

/** The header row: a button per column that sorts by it, `aria-sort` on the sorted one. */
function headerRow(
  columns: readonly string[],
  sort: RowSort | undefined,
  onSort: (column: string) => void,
): HTMLTableSectionElement {
  const cells = columns.map((name) => {
    const sorted = sort?.column === name;
    const direction = sorted ? (sort!.descending ? "descending" : "ascending") : undefined;
    const button = element("button", { type: "button", text: name, title: `sort by ${name}` }, [
      element("span", {
        className: "sort-mark",
        text: sorted ? (sort!.descending ? " ▼" : " ▲") : "",
      }),
    ]);
    button.addEventListener("click", () => onSort(name));
    return element("th", { scope: "col", "aria-sort": direction, "data-column": name }, [button]);
  });
  return element("thead", {}, [element("tr", {}, cells)]);
}

/** The pager: first/previous/next/last, the page size and where the page sits. */
function pager(
  at: { page: number; pages: number; first: number; shown: number; total: number },
  size: number,
  go: (page: number) => void,
  resize: (size: number) => void,
): HTMLElement {
  const button = (text: string, page: number, label: string) => {
    const disabled = page < 0 || page >= at.pages || page === at.page ? "" : undefined;
    const node = element("button", { type: "button", text, "aria-label": label, disabled });
    node.addEventListener("click", () => go(page));
    return node;
  };
  const sizes = element(
    "select",
    { "aria-label": "rows per page" },
    [...PAGE_SIZES].sort((a, b) => a - b).map((n) => element("option", { value: n, text: `${n}` })),
  );
  sizes.value = String(size);
  sizes.addEventListener("change", () => resize(Number(sizes.value)));
  const span =
    at.total === 0 ? "no rows" : `rows ${at.first + 1}–${at.first + at.shown} of ${at.total}`;
  return element("div", { className: "pager", "data-page": at.page, "data-pages": at.pages }, [
    button("«", 0, "first page"),
    button("‹", at.page - 1, "previous page"),
    element("span", { className: "page-of", text: `page ${at.page + 1} of ${at.pages}` }),
    button("›", at.page + 1, "next page"),
    button("»", at.pages - 1, "last page"),
    element("label", {}, ["rows per page ", sizes]),
    element("span", { className: "note", text: span }),
  ]);
}

/**
 * Creates the instance table in `container` (the scrolling table) with its pager in `controls`.
 * Each body row carries `data-row` (its table row), the selected one the class `selected`;
 * `container.dataset.rows` is the number of rows shown and `data-sort` the sort (`column` or
 * `-column` when descending).
 */
export function createInstanceTable(
  container: HTMLElement,
  controls: HTMLElement,
  table: MetaTable,
  columns: readonly string[],
  onPick: (row: number) => void,
): InstanceTable {
  let matches: Int32Array = new Int32Array(0);
  let ordered: Int32Array = matches;
  let selected: number | undefined;
  let sort: RowSort | undefined;
  let page = 0;
  let size: number = PAGE_SIZES[0];

  const reorder = () => {
    ordered =
      sort === undefined ? matches : sortRows(matches, table.column(sort.column), sort.descending);
  };
  const render = () => {
    const at = pageOfRows(ordered, page, size);
    page = at.page;
    const body = element(
      "tbody",
      {},
      Array.from(at.rows, (row) => {
        const tr = element(
          "tr",
          { "data-row": row, className: row === selected ? "selected" : undefined },
          columns.map((name) => element("td", { text: cellText(table.get(row, name)) })),
        );
        tr.addEventListener("click", () => onPick(row));
        return tr;
      }),
    );
    container.replaceChildren(element("table", {}, [headerRow(columns, sort, sortBy), body]));
    container.dataset.rows = String(at.rows.length);
    container.dataset.sort =
      sort === undefined ? "" : `${sort.descending ? "-" : ""}${sort.column}`;
    const where = { ...at, shown: at.rows.length, total: ordered.length };
    controls.replaceChildren(pager(where, size, go, resize));
  };
  const go = (to: number) => {
    page = to;
    render();
  };
  const resize = (to: number) => {
    page = Math.floor((page * size) / to);
    size = to;
    render();
  };
  function sortBy(column: string): void {
    sort =
      sort?.column === column
        ? { column, descending: !sort.descending }
        : { column, descending: false };
    page = 0;
    reorder();
    render();
  }
  return {
    update(rows, chosen) {
      if (rows !== matches) {
        matches = rows;
        page = 0;
        reorder();
      }
      selected = chosen;
      render();
    },
    order: () => ordered,
  };
}
