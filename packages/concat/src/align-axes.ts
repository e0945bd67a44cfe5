/** Alignment of the non-concatenated axes: which elements the output keeps, and where each input has them. */

import { type AnyColumn, ConfigError, DataError, isNullAt, type MetaTable } from "@tt/schema";
import type { Source } from "./inputs.js";
import { type AxisPart, mergeAxisMeta } from "./merge-axis-meta.js";
import type { JoinKind } from "./options.js";

/** One non-concatenated axis of the output. */
export interface AlignedAxis {
  /** The axis name. */
  readonly axis: string;
  /** The column its elements were matched by (the output's id column), or none (by position). */
  readonly column: string | undefined;
  /** The output's elements of the axis, merged from the inputs. */
  readonly meta: MetaTable;
  /** Per input: for each output element, its position in the input view, or -1. */
  readonly positions: readonly Int32Array[];
}

type Key = string | number | bigint;

function keysOf(source: Source, axis: string, column: string): Map<Key, number> {
  const table = source.axisMeta.get(axis)!;
  if (!table.has(column)) {
    throw new DataError(
      `${source.label} axis '${axis}'`,
      `has no column '${column}' to align by; its columns are ${table.columnNames.join(", ") || "(none)"}`,
    );
  }
  const values: AnyColumn = table.column(column);
  if (values.type !== "string" && values.type !== "int32" && values.type !== "int64") {
    throw new DataError(
      `${source.label} axis '${axis}' column '${column}'`,
      `is ${values.type}; align by a string or integer column`,
    );
  }
  const keys = new Map<Key, number>();
  const raw = values.values as ArrayLike<Key>;
  for (let i = 0; i < raw.length; i++) {
    if (isNullAt(values, i)) {
      throw new DataError(
        `${source.label} axis '${axis}' column '${column}' row ${i}`,
        "is null; every element needs a value to be aligned by",
      );
    }
    const previous = keys.get(raw[i]!);
    if (previous !== undefined) {
      throw new DataError(
        `${source.label} axis '${axis}' column '${column}'`,
        `has ${String(raw[i])} at rows ${previous} and ${i}; values to align by must be unique`,
      );
    }
    keys.set(raw[i]!, i);
  }
  return keys;
}

function byKey(
  sources: readonly Source[],
  axis: string,
  column: string,
  join: JoinKind,
): { keys: Key[]; positions: Int32Array[] } {
  // Inputs that share one table of the axis share its keys, and their positions below.
  const byTable = new Map<MetaTable, Map<Key, number>>();
  const maps = sources.map((source) => {
    const table = source.axisMeta.get(axis)!;
    let keys = byTable.get(table);
    if (keys === undefined) {
      keys = keysOf(source, axis, column);
      byTable.set(table, keys);
    }
    return keys;
  });
  let keys: Key[];
  if (join === "inner") {
    keys = [...maps[0]!.keys()].filter((key) => maps.every((map) => map.has(key)));
    if (keys.length === 0) {
      const listed = sources
        .map((s, i) => `${s.label}: ${[...maps[i]!.keys()].slice(0, 6).join(", ")}`)
        .join("; ");
      throw new DataError(
        `axis '${axis}'`,
        `no element is in every input under join "inner" (matched by column '${column}'; ${listed}); use join "outer" or align by another column`,
      );
    }
  } else {
    const union = new Set<Key>();
    for (const map of maps) for (const key of map.keys()) union.add(key);
    keys = [...union];
  }
  const byMap = new Map<Map<Key, number>, Int32Array>();
  const positions = maps.map((map) => {
    let at = byMap.get(map);
    if (at === undefined) {
      at = Int32Array.from(keys, (key) => map.get(key) ?? -1);
      byMap.set(map, at);
    }
    return at;
  });
  return { keys, positions };
}

function byPosition(sources: readonly Source[], axis: string, index: number): Int32Array[] {
  const length = sources[0]!.shape[index]!;
  for (const source of sources.slice(1)) {
    if (source.shape[index] !== length) {
      throw new DataError(
        `${source.label} axis '${axis}'`,
        `has ${source.shape[index]} elements but ${sources[0]!.label} has ${length}; axis '${axis}' has no id column, so elements are matched by position: give align.${axis} to match them by a column`,
      );
    }
  }
  const identity = Int32Array.from({ length }, (_, i) => i);
  return sources.map(() => identity);
}

/** The input's metadata of `axis`, without its own id column when it aligns by another one (ids differ by nature). */
function withoutOwnIds(source: Source, axis: string, column: string | undefined): MetaTable {
  const table = source.axisMeta.get(axis)!;
  const own = source.axisIndexColumns[axis];
  return own !== undefined && own !== column && table.has(own) ? table.drop([own]) : table;
}

/**
 * Aligns every axis but the first across `sources`: by `align[axis]`, else by the first input's
 * id column of the axis, else by position (the lengths must then be equal). `"inner"` keeps the
 * elements every input has, in the first input's order; `"outer"` keeps the union, in order of
 * first appearance. The axis metadata is merged and checked (see {@link mergeAxisMeta}); when an
 * axis is aligned by another column than an input's id column, that id column is left out.
 */
export function alignAxes(
  sources: readonly Source[],
  align: Readonly<Record<string, string>>,
  join: JoinKind,
): AlignedAxis[] {
  const axes = sources[0]!.axes;
  for (const axis of Object.keys(align)) {
    if (!axes.includes(axis)) {
      throw new ConfigError(`align.${axis}`, `names no axis; the axes are ${axes.join(", ")}`);
    }
    if (axis === axes[0]) {
      throw new ConfigError(
        `align.${axis}`,
        `'${axis}' is the axis concatenated along; align the other axes`,
      );
    }
  }
  return axes.slice(1).map((axis, i) => {
    const column = align[axis] ?? sources[0]!.axisIndexColumns[axis];
    const aligned = column === undefined ? undefined : byKey(sources, axis, column, join);
    const positions = aligned?.positions ?? byPosition(sources, axis, i + 1);
    const length = positions[0]!.length;
    // An input with the same table and positions as an earlier one agrees with it by itself.
    const seen = new Set<string>();
    const tableIds = new Map<MetaTable | Int32Array, number>();
    const idOf = (x: MetaTable | Int32Array) => {
      if (!tableIds.has(x)) tableIds.set(x, tableIds.size);
      return tableIds.get(x)!;
    };
    const parts: AxisPart[] = [];
    sources.forEach((source, s) => {
      const key = `${idOf(source.axisMeta.get(axis)!)}:${idOf(positions[s]!)}`;
      if (seen.has(key)) return;
      seen.add(key);
      parts.push({
        label: source.label,
        table: withoutOwnIds(source, axis, column),
        rows: positions[s]!,
      });
    });
    const name = (element: number) =>
      aligned === undefined ? `at ${element}` : `'${String(aligned.keys[element])}'`;
    return { axis, column, meta: mergeAxisMeta(axis, length, parts, name), positions };
  });
}
