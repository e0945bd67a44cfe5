/**
 * Annotating a bundle: metadata columns added to (or replaced in) one axis's table by id, as a
 * new version that writes only that table. The arrays, coordinates, other tables and partitions
 * are the previous version's files, kept; readers that opened the previous version keep reading
 * it, and a crash leaves the old version or the new one.
 */

import {
  type AnyColumn,
  axisPosition,
  ConfigError,
  cellAt,
  columnFromCells,
  DATASET_KIND,
  DataError,
  type IOOptions,
  isNullAt,
  type Manifest,
  type MetaTable,
  NotFoundError,
  SCHEMA_VERSION,
  type WritableKeyValueStore,
} from "@tt/schema";
import { beginVersionedWrite } from "@tt/storage";
import { buildIdIndex } from "./ids.js";
import { keepFiles } from "./keep-files.js";
import { openBundle } from "./open-bundle.js";
import { type BundlePlugins, resolvePlugins } from "./plugins.js";
import { manifestText, requireBase } from "./version.js";
import { writeTables } from "./write-bundle.js";

/** Options of {@link annotateBundle}. */
export interface AnnotateOptions extends BundlePlugins, IOOptions {
  /**
   * The column of the table that holds the ids of the axis's elements: by default the axis's id
   * column when the table has it, else `instance_id` (the key of a result's instance table).
   */
  on?: string;
  /**
   * `"add"` (default): the columns are new, and a name the axis already has is an error.
   * `"replace"`: a column the axis has is replaced for the ids the table gives (other elements keep
   * their values; the type must stay the same); new names are added.
   */
  mode?: "add" | "replace";
  /** Only these columns of the table (default: all but the id column). */
  columns?: readonly string[];
  /** Put before every added or replaced column name (`pca_` gives `pca_score_1`). */
  prefix?: string;
}

/** The columns to apply: their name in the table and in the dataset. */
function chosenColumns(table: MetaTable, on: string, options: AnnotateOptions) {
  const names = options.columns ?? table.columnNames.filter((name) => name !== on);
  for (const name of names)
    if (!table.has(name))
      throw new ConfigError(
        "columns",
        `the table has no column '${name}'; its columns are ${table.columnNames.join(", ")}`,
      );
  if (names.length === 0)
    throw new ConfigError("columns", "there is no column to add besides the ids");
  return names.map((name) => ({ from: name, to: `${options.prefix ?? ""}${name}` }));
}

/** The row of the dataset's axis for each row of the table; unknown and repeated ids are errors. */
function rowsOf(
  table: MetaTable,
  on: string,
  where: string,
  find: (id: string | number | bigint) => number | undefined,
): Int32Array {
  buildIdIndex(table.column(on), `${where} column '${on}'`);
  const ids = table.column(on).values as ArrayLike<string | number | bigint>;
  const rows = new Int32Array(table.numRows);
  const unknown: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = find(ids[i]!);
    if (row === undefined) unknown.push(JSON.stringify(String(ids[i])));
    else rows[i] = row;
  }
  if (unknown.length > 0)
    throw new DataError(
      `${where} column '${on}'`,
      `${unknown.length} id${unknown.length > 1 ? "s are" : " is"} not in the dataset: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", ..." : ""}`,
    );
  return rows;
}

/** Column `from` of `table` spread over `n` rows at `rows`, over `existing` (or nulls). */
function spread(
  table: MetaTable,
  from: string,
  rows: Int32Array,
  n: number,
  existing?: AnyColumn,
): AnyColumn {
  const source = table.column(from);
  const cells: unknown[] = new Array(n).fill(null);
  if (existing !== undefined) for (let row = 0; row < n; row++) cells[row] = cellAt(existing, row);
  rows.forEach((row, i) => {
    cells[row] = isNullAt(source, i) ? null : cellAt(source, i);
  });
  return columnFromCells(source.type, cells) as AnyColumn;
}

/** The axis's table with the table's columns applied by id. */
function annotatedTable(
  current: MetaTable,
  table: MetaTable,
  rows: Int32Array,
  columns: { from: string; to: string }[],
  options: AnnotateOptions,
  where: string,
): MetaTable {
  let next = current;
  for (const { from, to } of columns) {
    const exists = current.has(to);
    if (exists && (options.mode ?? "add") === "add")
      throw new DataError(
        `${where} column '${to}'`,
        'exists already; choose another name (or a prefix), or replace it (mode "replace")',
      );
    const type = table.column(from).type;
    if (exists && current.column(to).type !== type)
      throw new DataError(
        `${where} column '${to}'`,
        `is ${current.column(to).type} in the dataset and ${type} in the table; a replacement keeps the type`,
      );
    next = next.withColumn(
      to,
      spread(table, from, rows, current.numRows, exists ? current.column(to) : undefined),
    );
  }
  return next;
}

/**
 * The pyramids that stay valid: all but those sorted by a column of `axis` that the annotation
 * adds or replaces (their order may have changed).
 */
function validPyramids(manifest: Manifest, axis: string, columns: readonly string[]) {
  return (manifest.pyramids ?? []).filter(
    (pyramid) => pyramid.sort_by?.axis !== axis || !columns.includes(pyramid.sort_by.column),
  );
}

/**
 * Adds (or, with `mode: "replace"`, replaces) metadata columns of `axis` in the bundle in
 * `store`, matched by id: the table's `on` column holds ids of the axis's elements (a subset is
 * fine: the others get nulls, or keep their values when replaced). Unknown or repeated ids, a
 * name the axis has already (in mode "add"), and a type that changes are errors, raised before
 * anything is written. The new version writes only the axis's table; everything else is kept.
 *
 * @example
 * ```ts
 * const labels = MetaTable.fromColumns({
 *   epoch_id: columnFromCells("string", ["e1", "e7"]),
 *   reviewed: columnFromCells("boolean", [true, true]),
 * });
 * await annotateBundle(store, "epoch", labels);
 * ```
 */
export async function annotateBundle(
  store: WritableKeyValueStore,
  axis: string,
  table: MetaTable,
  options: AnnotateOptions = {},
): Promise<Manifest> {
  const { signal } = options;
  const base = await requireBase(store, signal);
  const { manifest } = base;
  const plugins = resolvePlugins(options, manifest);
  axisPosition(manifest.axes, axis);
  const idColumn = manifest.axis_index_columns[axis];
  if (idColumn === undefined)
    throw new NotFoundError(
      `axis '${axis}'`,
      `has no id column, so there is nothing to match a table's rows to`,
    );
  const on = options.on ?? (table.has(idColumn) ? idColumn : "instance_id");
  if (!table.has(on))
    throw new ConfigError(
      "on",
      `the table has no id column '${on}'; its columns are ${table.columnNames.join(", ")}`,
    );
  const dataset = await openBundle(store, { ...plugins, signal });
  const where = "the annotation";
  const rows = rowsOf(table, on, where, (id) => dataset.indexOf(axis, id));
  const columns = chosenColumns(table, on, options);
  const next = annotatedTable(
    dataset.meta(axis),
    table,
    rows,
    columns,
    options,
    `${manifest.meta_files[axis] ?? `axis '${axis}'`}`,
  );
  const write = await beginVersionedWrite(store, { base });
  try {
    const metaFiles = await writeTables(
      write,
      { [axis]: next },
      plugins.metaIO,
      (name) => `meta/${name}`,
      { signal, axis: true },
    );
    const pyramids = validPyramids(
      manifest,
      axis,
      columns.map((c) => c.to),
    );
    const dropped = (manifest.pyramids ?? []).filter((p) => !pyramids.includes(p));
    await keepFiles(write, manifest, [
      manifest.meta_files[axis]!,
      ...dropped.map((pyramid) => pyramid.path),
    ]);
    const change = {
      kind: "annotate",
      axis,
      columns: columns.map((c) => c.to),
      mode: options.mode ?? "add",
    };
    const annotated: Manifest = {
      ...manifest,
      schema_version: SCHEMA_VERSION,
      kind: DATASET_KIND,
      ...(await write.versionFields(change)),
      meta_files: { ...manifest.meta_files, ...metaFiles },
      ...(manifest.pyramids === undefined ? {} : { pyramids }),
    };
    await write.commit(manifestText(annotated));
    return annotated;
  } catch (error) {
    await write.abort();
    throw error;
  }
}
