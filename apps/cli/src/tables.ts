/** Printing metadata tables: column summaries, aligned text tables and CSV. */

import type { MetaTable } from "tensortools";

/** A cell as text: null as empty, strings as they are, numbers compactly. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, "");
  return String(value);
}

/** One line per column: name, type, null count and the first few distinct values. */
export function columnSummaries(
  table: MetaTable,
  examples = 3,
): { name: string; type: string; nulls: number; examples: string[] }[] {
  return table.columnNames.map((name) => {
    let nulls = 0;
    const seen: string[] = [];
    for (let row = 0; row < table.numRows; row++) {
      const value = table.get(row, name);
      if (value === null) nulls++;
      else if (seen.length < examples) {
        const text = cellText(value);
        if (!seen.includes(text)) seen.push(text);
      }
    }
    return { name, type: table.column(name).type, nulls, examples: seen };
  });
}

/** `rows` as an aligned text table under `header`. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** A CSV field, quoted when it needs to be. */
function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `table` as CSV text with a header row; nulls are empty fields. */
export function tableCsv(table: MetaTable): string {
  const lines = [table.columnNames.map(csvField).join(",")];
  for (let row = 0; row < table.numRows; row++)
    lines.push(table.columnNames.map((name) => csvField(cellText(table.get(row, name)))).join(","));
  return `${lines.join("\n")}\n`;
}

/** `table` as an array of JSON records (bigints as strings). */
export function tableJson(table: MetaTable): Record<string, unknown>[] {
  return table
    .toRecords()
    .map((record) =>
      Object.fromEntries(
        Object.entries(record).map(([k, v]) => [k, typeof v === "bigint" ? String(v) : v]),
      ),
    );
}
