/** The output's instance metadata per input: lineage columns, then the union of the inputs' columns. */

import {
  type AnyColumn,
  cellAt,
  columnFromCells,
  concatColumns,
  DataError,
  type LogicalType,
  MetaTable,
} from "@tt/schema";
import type { Source } from "./inputs.js";
import type { IdScheme } from "./options.js";

/** The lineage columns every output instance gets, in this order. */
export const LINEAGE_COLUMNS = [
  "instance_id",
  "source_dataset_id",
  "source_file_id",
  "group_id",
  "source_instance_id",
] as const;

const LINEAGE = new Set<string>(LINEAGE_COLUMNS);

/** What decides the lineage columns. */
export interface LineageOptions {
  idScheme: IdScheme;
  groupBy?: string;
  groups?: Readonly<Record<string, string>>;
}

/** The input's own instance columns: without its id column and without lineage columns. */
function ownColumns(source: Source): MetaTable {
  const first = source.view.axes[0]!;
  const table = source.view.meta(first);
  const idColumn = source.view.axisIndexColumns[first];
  return table.drop(table.columnNames.filter((name) => name === idColumn || LINEAGE.has(name)));
}

function instanceIds(source: Source): string[] {
  const first = source.view.axes[0]!;
  const ids = source.view.ids(first) as ArrayLike<string | number | bigint> | undefined;
  const n = source.view.shape[0]!;
  return Array.from({ length: n }, (_, i) => String(ids === undefined ? i : ids[i]));
}

/** The input's `source_file_id`s: its own column if it is itself a concatenation, else its id. */
function fileIds(source: Source): string[] {
  const table = source.view.meta(source.view.axes[0]!);
  const n = table.numRows;
  if (table.has("source_file_id") && table.column("source_file_id").type === "string") {
    const column = table.column("source_file_id");
    return Array.from({ length: n }, (_, i) => (cellAt(column, i) as string | null) ?? source.id);
  }
  return new Array<string>(n).fill(source.id);
}

function groupIds(source: Source, options: LineageOptions): string[] {
  const n = source.view.shape[0]!;
  const { groupBy, groups } = options;
  if (groupBy !== undefined) {
    const table = source.view.meta(source.view.axes[0]!);
    if (!table.has(groupBy)) {
      throw new DataError(
        `${source.label} instance metadata`,
        `has no column '${groupBy}' to group by; its columns are ${table.columnNames.join(", ")}`,
      );
    }
    const column = table.column(groupBy);
    return Array.from({ length: n }, (_, row) => {
      const cell = cellAt(column, row);
      if (cell === null) {
        throw new DataError(
          `${source.label} instance metadata column '${groupBy}' row ${row}`,
          "is null; every instance needs a group",
        );
      }
      return cell instanceof Date ? cell.toISOString() : String(cell);
    });
  }
  if (groups !== undefined) {
    const group = groups[source.id];
    if (typeof group !== "string") {
      throw new DataError(
        source.label,
        `has no group in groups; add groups[${JSON.stringify(source.id)}]`,
      );
    }
    return new Array<string>(n).fill(group);
  }
  return new Array<string>(n).fill(source.id);
}

function makeId(
  scheme: IdScheme,
  source: Source,
  sourceInstanceId: string,
  sourceFileId: string,
  position: number,
): string {
  if (scheme === "dataset") return `${source.id}/${sourceInstanceId}`;
  if (scheme === "keep") return sourceInstanceId;
  const id = scheme({ sourceDatasetId: source.id, sourceFileId, sourceInstanceId, position });
  if (typeof id !== "string" || id.length === 0) {
    throw new DataError(
      `${source.label} instance ${position}`,
      `the idScheme function returned ${JSON.stringify(id)}; it must return a non-empty string`,
    );
  }
  return id;
}

/**
 * The output's instance rows of every input, all with the same columns: the lineage columns, then
 * the union of the inputs' own columns (in order of first appearance; absent -> null). A column
 * with two types is an error naming it and both inputs; an `instance_id` made twice is an error
 * naming both inputs. Inputs with no instances add no columns.
 */
export function instanceTables(sources: readonly Source[], options: LineageOptions): MetaTable[] {
  const own = sources.map(ownColumns);
  const types = new Map<string, { type: LogicalType; label: string }>();
  own.forEach((table, s) => {
    if (table.numRows === 0) return;
    for (const { name, type } of table.schema) {
      const seen = types.get(name);
      if (seen === undefined) types.set(name, { type, label: sources[s]!.label });
      else if (seen.type !== type) {
        throw new DataError(
          `instance column '${name}'`,
          `is ${seen.type} in ${seen.label} but ${type} in ${sources[s]!.label}; cast one of them first`,
        );
      }
    }
  });
  const seenIds = new Map<string, number>();
  return sources.map((source, s) => {
    const sourceInstanceIds = instanceIds(source);
    const files = fileIds(source);
    const ids = sourceInstanceIds.map((id, i) => {
      const made = makeId(options.idScheme, source, id, files[i]!, i);
      const other = seenIds.get(made);
      if (other !== undefined) {
        throw new DataError(
          `instance_id '${made}'`,
          `is made for an instance of ${sources[other]!.label} and of ${source.label}; instance ids must be unique: use idScheme "dataset" or a function`,
        );
      }
      seenIds.set(made, s);
      return made;
    });
    const n = ids.length;
    const lineage: [string, AnyColumn][] = [
      ["instance_id", columnFromCells("string", ids)],
      ["source_dataset_id", columnFromCells("string", new Array<string>(n).fill(source.id))],
      ["source_file_id", columnFromCells("string", files)],
      ["group_id", columnFromCells("string", groupIds(source, options))],
      ["source_instance_id", columnFromCells("string", sourceInstanceIds)],
    ];
    const table = own[s]!;
    const rest = [...types].map(
      ([name, { type }]) =>
        [
          name,
          table.has(name)
            ? table.column(name)
            : (concatColumns(type, [{ column: undefined, length: n }]) as AnyColumn),
        ] as [string, AnyColumn],
    );
    return MetaTable.fromColumns([...lineage, ...rest], n);
  });
}
