/**
 * `tt import`'s id columns: the columns of a metadata table that could hold an axis's ids, and
 * the errors that name them in the words of the command line (`--id axis=COLUMN`).
 */

import { basename } from "node:path";
import { isTensorToolsError, type MetaTable, readCsvFile, readParquetFile } from "tensortools";
import { InputError } from "./errors.js";
import { naming } from "./system-errors.js";

const ID_TYPES = new Set(["string", "int32", "int64"]);

/** The columns of `table` that could be ids: strings or integers, no nulls, no repeats. */
export function idCandidates(table: MetaTable): string[] {
  return table.columnNames.filter((name) => {
    if (!ID_TYPES.has(table.column(name).type)) return false;
    const seen = new Set<unknown>();
    for (let row = 0; row < table.numRows; row++) {
      const value = table.get(row, name);
      if (value === null || seen.has(value)) return false;
      seen.add(value);
    }
    return true;
  });
}

/** "columns that could be the <axis> id: a, b (unique, no nulls); pass --id axis=a", or why none. */
export function candidatesText(table: MetaTable, axis: string, file: string): string {
  const candidates = idCandidates(table);
  if (candidates.length === 0)
    return `no column of ${basename(file)} can be the ${axis} id (none holds strings or integers that are unique and never null)`;
  const which = candidates.length === 1 ? "the column that could" : "columns that could";
  return `${which} be the ${axis} id: ${candidates.join(", ")} (unique, no nulls); pass --id ${axis}=${candidates[0]}`;
}

const HINT = "--id AXIS=COLUMN names the id column of an axis's --meta table";

/**
 * Reads the CSV `file` of `axis`, with `idColumn` checked as its ids when given (`given`: by
 * `--id`, else the default `<axis>_id`). A column that cannot hold the ids (absent, null or
 * repeated values, not strings or integers) is an InputError in `--id` words that lists the
 * columns that could.
 */
export async function readMetaWithIds(
  file: string,
  axis: string,
  idColumn: string | undefined,
  given: boolean,
): Promise<MetaTable> {
  if (isParquet(file)) return readParquetWithIds(file, axis, idColumn, given);
  if (idColumn === undefined) return naming(file, readCsvFile(file));
  const what = given ? `--id ${axis}=${idColumn}` : `axis '${axis}'`;
  let table: MetaTable;
  try {
    table = await naming(file, readCsvFile(file, { idColumns: [idColumn] }));
  } catch (error) {
    if (!isTensorToolsError(error, "data")) throw error;
    const plain = await readCsvFile(file).catch(() => undefined);
    if (plain === undefined) throw error;
    const problem = plain.columnNames.includes(idColumn)
      ? error.message
      : `${basename(file)} has no column '${idColumn}'; its columns are ${plain.columnNames.join(", ")}`;
    throw new InputError(`${what}: ${problem}; ${candidatesText(plain, axis, file)}`, HINT);
  }
  const type = table.column(idColumn).type;
  if (!ID_TYPES.has(type))
    throw new InputError(
      `${what}: column '${idColumn}' of ${basename(file)} is ${type}; ids are strings or integers; ${candidatesText(table, axis, file)}`,
      HINT,
    );
  return table;
}

/** Whether `file` is read as Parquet (by its extension), else as CSV. */
export function isParquet(file: string): boolean {
  return /\.parquet$/i.test(file);
}

/** A Parquet --meta table, its id column (when named) checked as `readMetaWithIds` checks a CSV's. */
async function readParquetWithIds(
  file: string,
  axis: string,
  idColumn: string | undefined,
  given: boolean,
): Promise<MetaTable> {
  const table = await naming(file, readParquetFile(file));
  if (idColumn === undefined || idCandidates(table).includes(idColumn)) return table;
  const what = given ? `--id ${axis}=${idColumn}` : `axis '${axis}'`;
  const problem = !table.has(idColumn)
    ? `${basename(file)} has no column '${idColumn}'; its columns are ${table.columnNames.join(", ")}`
    : ID_TYPES.has(table.column(idColumn).type)
      ? `column '${idColumn}' of ${basename(file)} has nulls or repeated values`
      : `column '${idColumn}' of ${basename(file)} is ${table.column(idColumn).type}; ids are strings or integers`;
  throw new InputError(`${what}: ${problem}; ${candidatesText(table, axis, file)}`, HINT);
}

/** The error for a first axis whose --meta table has no `<axis>_id` column and no --id. */
export function missingIdColumn(table: MetaTable, axis: string, file: string): InputError {
  return new InputError(
    `axis '${axis}' needs unique ids: ${basename(file)} has no column '${axis}_id' and no --id ${axis}=COLUMN names another; ${candidatesText(table, axis, file)}`,
    HINT,
  );
}
