/** The output's instance metadata, built input by input: lineage columns, then the union of the inputs' columns. */

import {
  type AnyColumn,
  cellAt,
  columnFromValues,
  DataError,
  type LogicalType,
  MetaTable,
  type TensorView,
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

/** One group of the output: its instance count and the inputs with instances in it. */
export interface GroupCount {
  n: number;
  datasets: string[];
}

type Values = { [i: number]: unknown; length: number };

/**
 * One output column growing input by input: typed arrays double their capacity, strings and
 * lists are arrays of references (a value repeated on every row of an input is one string), and
 * the validity mask exists only once a null has been seen.
 */
class ColumnBuilder {
  values: Values;
  valid: Uint8Array | undefined;
  length = 0;

  constructor(
    readonly type: LogicalType,
    readonly label: string,
    nullRows: number,
  ) {
    this.values = ColumnBuilder.#allocate(type, 16);
    this.valid = undefined;
    this.pushNulls(nullRows);
  }

  static #allocate(type: LogicalType, capacity: number): Values {
    switch (type) {
      case "string":
      case "list<string>":
        return [];
      case "boolean":
        return new Uint8Array(capacity);
      case "int32":
        return new Int32Array(capacity);
      case "int64":
      case "timestamp":
        return new BigInt64Array(capacity);
      case "float32":
        return new Float32Array(capacity);
      case "float64":
        return new Float64Array(capacity);
    }
  }

  #reserve(extra: number): void {
    const needed = this.length + extra;
    if (!Array.isArray(this.values) && needed > this.values.length) {
      const typed = this.values as Float64Array;
      const grown = ColumnBuilder.#allocate(this.type, Math.max(needed, typed.length * 2));
      (grown as Float64Array).set(typed.subarray(0, this.length));
      this.values = grown;
    }
    if (this.valid !== undefined && needed > this.valid.length) {
      const grown = new Uint8Array(Math.max(needed, this.valid.length * 2));
      grown.set(this.valid.subarray(0, this.length));
      this.valid = grown;
    }
  }

  /** The validity mask, made when the first null comes: every row so far is valid. */
  #validity(needed: number): Uint8Array {
    if (this.valid === undefined) {
      this.valid = new Uint8Array(Math.max(needed, 16));
      this.valid.fill(1, 0, this.length);
    }
    return this.valid;
  }

  /** Appends `n` nulls. */
  pushNulls(n: number): void {
    if (n === 0) return;
    this.#reserve(n);
    this.#validity(this.length + n).fill(0, this.length, this.length + n);
    if (Array.isArray(this.values)) {
      const neutral = this.type === "string" ? "" : EMPTY_LIST;
      for (let i = 0; i < n; i++) this.values.push(neutral);
    }
    this.length += n;
  }

  /** Appends the same value `n` times. */
  pushRepeated(value: string, n: number): void {
    this.#reserve(n);
    const values = this.values as string[];
    for (let i = 0; i < n; i++) values.push(value);
    this.valid?.fill(1, this.length, this.length + n);
    this.length += n;
  }

  /** Appends every value of `strings`. */
  pushStrings(strings: readonly string[]): void {
    this.#reserve(strings.length);
    const values = this.values as string[];
    for (const value of strings) values.push(value);
    this.valid?.fill(1, this.length, this.length + strings.length);
    this.length += strings.length;
  }

  /** Appends every row of `column` (of this type). */
  pushColumn(column: AnyColumn): void {
    const n = column.values.length;
    this.#reserve(n);
    const start = this.length;
    if (Array.isArray(this.values)) {
      const values = this.values as unknown[];
      for (const value of column.values as unknown[]) values.push(value);
    } else {
      (this.values as Float64Array).set(column.values as Float64Array, start);
    }
    if (column.valid !== undefined) this.#validity(start + n).set(column.valid, start);
    else this.valid?.fill(1, start, start + n);
    this.length += n;
  }

  /** The column, trimmed to its length. */
  finish(): AnyColumn {
    const values = Array.isArray(this.values)
      ? this.values
      : (this.values as Float64Array).slice(0, this.length);
    return columnFromValues(
      this.type,
      values as never,
      this.valid?.slice(0, this.length),
    ) as AnyColumn;
  }
}

const EMPTY_LIST: readonly string[] = Object.freeze([]);

/** The input's own instance columns: without its id column and without lineage columns. */
function ownColumns(view: TensorView): [string, AnyColumn][] {
  const first = view.axes[0]!;
  const table = view.meta(first);
  const idColumn = view.axisIndexColumns[first];
  return table.columnNames
    .filter((name) => name !== idColumn && !LINEAGE.has(name))
    .map((name) => [name, table.column(name)]);
}

function instanceIds(view: TensorView): string[] {
  const ids = view.ids(view.axes[0]!) as ArrayLike<string | number | bigint> | undefined;
  const n = view.shape[0]!;
  return Array.from({ length: n }, (_, i) => String(ids === undefined ? i : ids[i]));
}

/** The input's `source_file_id`s: its own column if it is itself a concatenation, else its id. */
function fileIds(source: Source, view: TensorView): string[] | undefined {
  const table = view.meta(view.axes[0]!);
  if (!table.has("source_file_id") || table.column("source_file_id").type !== "string") {
    return undefined;
  }
  const column = table.column("source_file_id");
  return Array.from(
    { length: table.numRows },
    (_, i) => (cellAt(column, i) as string | null) ?? source.id,
  );
}

function groupIds(source: Source, view: TensorView, options: LineageOptions): string[] | string {
  const n = view.shape[0]!;
  const { groupBy, groups } = options;
  if (groupBy !== undefined) {
    const table = view.meta(view.axes[0]!);
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
    return group;
  }
  return source.id;
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
 * The output's instance rows, added input by input in output order, and its groups: the lineage
 * columns, then the union of the inputs' own columns (in order of first appearance; absent ->
 * null). A column with two types is an error naming it and both inputs; an `instance_id` made
 * twice is an error naming both inputs. Inputs with no instances add no rows and no columns.
 * Nothing of an input is kept but its rows in the output columns.
 */
export class InstanceTableBuilder {
  readonly #options: LineageOptions;
  readonly #lineage = new Map<string, ColumnBuilder>(
    LINEAGE_COLUMNS.map((name) => [name, new ColumnBuilder("string", "", 0)]),
  );
  readonly #own = new Map<string, ColumnBuilder>();
  #seenIds: Map<string, Source> | undefined = new Map();
  #rows = 0;
  /** The groups, in order of first appearance. */
  readonly groups = new Map<string, GroupCount>();

  constructor(options: LineageOptions) {
    this.#options = options;
  }

  /** Adds the instances of `source`, opened as `view`. */
  add(source: Source, view: TensorView): void {
    const n = view.shape[0]!;
    if (n === 0) return;
    const own = ownColumns(view);
    for (const [name, column] of own) {
      const seen = this.#own.get(name);
      if (seen !== undefined && seen.type !== column.type) {
        throw new DataError(
          `instance column '${name}'`,
          `is ${seen.type} in ${seen.label} but ${column.type} in ${source.label}; cast one of them first`,
        );
      }
    }
    const sourceInstanceIds = instanceIds(view);
    const files = fileIds(source, view);
    const groups = groupIds(source, view, this.#options);
    const seenIds = this.#seenIds!;
    const ids = sourceInstanceIds.map((id, i) => {
      const made = makeId(this.#options.idScheme, source, id, files?.[i] ?? source.id, i);
      const other = seenIds.get(made);
      if (other !== undefined) {
        throw new DataError(
          `instance_id '${made}'`,
          `is made for an instance of ${other.label} and of ${source.label}; instance ids must be unique: use idScheme "dataset" or a function`,
        );
      }
      seenIds.set(made, source);
      return made;
    });
    const lineage = this.#lineage;
    lineage.get("instance_id")!.pushStrings(ids);
    lineage.get("source_dataset_id")!.pushRepeated(source.id, n);
    if (files === undefined) lineage.get("source_file_id")!.pushRepeated(source.id, n);
    else lineage.get("source_file_id")!.pushStrings(files);
    if (typeof groups === "string") lineage.get("group_id")!.pushRepeated(groups, n);
    else lineage.get("group_id")!.pushStrings(groups);
    lineage.get("source_instance_id")!.pushStrings(sourceInstanceIds);
    for (const [name, column] of own) {
      let builder = this.#own.get(name);
      if (builder === undefined) {
        builder = new ColumnBuilder(column.type, source.label, this.#rows);
        this.#own.set(name, builder);
      }
      builder.pushColumn(column);
    }
    this.#rows += n;
    for (const builder of this.#own.values()) {
      if (builder.length < this.#rows) builder.pushNulls(this.#rows - builder.length);
    }
    this.#count(source, groups, n);
  }

  #count(source: Source, groupIds: string[] | string, n: number): void {
    const add = (id: string, count: number) => {
      let group = this.groups.get(id);
      if (group === undefined) {
        group = { n: 0, datasets: [] };
        this.groups.set(id, group);
      }
      group.n += count;
      if (group.datasets.at(-1) !== source.id) group.datasets.push(source.id);
    };
    if (typeof groupIds === "string") add(groupIds, n);
    else for (const id of groupIds) add(id, 1);
  }

  /** Rows added so far. */
  get numRows(): number {
    return this.#rows;
  }

  /** The instance table; the builder is spent. */
  finish(): MetaTable {
    this.#seenIds = undefined;
    const columns = [...this.#lineage, ...this.#own].map(
      ([name, builder]) => [name, builder.finish()] as [string, AnyColumn],
    );
    this.#lineage.clear();
    this.#own.clear();
    return MetaTable.fromColumns(columns, this.#rows);
  }
}
