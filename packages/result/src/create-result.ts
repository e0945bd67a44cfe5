/** Assembling a result from a method's output, and checking the contract it promises. */

import {
  type AnyColumn,
  type AxisIndex,
  ConfigError,
  DataError,
  type DecompositionMethod,
  type DecompositionResult,
  findNonJson,
  INSTANCE_ID,
  INSTANCE_TABLE,
  type InputRef,
  isNullAt,
  isPlainObject,
  type JsonObject,
  type MethodOutput,
  type ResultInstance,
} from "@tt/schema";
import { version } from "../package.json";
import { instanceTableOf } from "./instance-table.js";
import { checkWrittenTables } from "./written-tables.js";

/** The version this library records as `library_version` unless the attrs name another. */
export const LIBRARY_VERSION = `@tt/result ${version}`;

/** What {@link createResult} assembles a result from. */
export interface CreateResultParts {
  /** The method that produced `output`. */
  method: DecompositionMethod<object>;
  /** The complete config the method ran with (as `method.validate` returned it); JSON. */
  config: object;
  /** Where the input came from (see `computeInputRef`). */
  inputRef: InputRef;
  /** What the method's fit returned. */
  output: MethodOutput;
  /** Attributes such as `seed`, `duration_ms`, `library_version`; `created_at` is added if absent. */
  attrs?: JsonObject;
  /** The input's instance ids, in order: the instance table's `instance_id` must list exactly these. */
  instanceIds?: AxisIndex;
  /**
   * The input's first axis and its id column (`null` when the instances are keyed by row
   * number), recorded as the result's `instance`; `{ axis: "instance", idColumn: null }` if omitted.
   */
  instance?: ResultInstance;
}

/** An id as a comparable key: integers compare by value whether number or bigint. */
function idKey(id: unknown): string {
  if (typeof id === "bigint") return `i${id}`;
  if (typeof id === "number" && Number.isInteger(id)) return `i${id}`;
  return `${typeof id}:${String(id)}`;
}

function show(id: unknown): string {
  return typeof id === "string" ? JSON.stringify(id) : String(id);
}

/** Checks that `column` lists exactly `ids`, in order; the first row that differs is named. */
function checkIds(column: AnyColumn, ids: AxisIndex, where: string): void {
  const values = column.values as ArrayLike<unknown>;
  if (values.length !== ids.length) {
    throw new DataError(
      where,
      `has ${values.length} rows for the input's ${ids.length} instances; it must list every instance of the input, in order`,
    );
  }
  const expected = ids as ArrayLike<unknown>;
  for (let row = 0; row < values.length; row++) {
    const actual = isNullAt(column, row) ? null : values[row];
    if (actual === null || idKey(actual) !== idKey(expected[row])) {
      throw new DataError(
        `${where} row ${row}`,
        `is ${actual === null ? "null" : show(actual)}, but instance ${row} of the input is ${show(expected[row])}; the table must list the input's ids in their order`,
      );
    }
  }
}

function checkJson(value: unknown, name: string, error: (field: string) => Error): void {
  if (!isPlainObject(value)) throw error(name);
  const bad = findNonJson(value, name);
  if (bad !== undefined) throw error(bad);
}

/**
 * Assembles a {@link DecompositionResult} and checks its contract: config, attrs and diagnostics
 * are JSON; the instance table `factorTables.instance` exists and starts with `instance_id`
 * (a NotFoundError or DataError otherwise), and when `instanceIds` is given that column lists
 * exactly those ids in order (a DataError names the first row that differs). `created_at` and
 * `library_version` are added to the attrs when absent.
 *
 * The instance table may instead have been written in parts by the workers of a split fit
 * (`output.writtenTables.instance`, kept in the result): it must start with `instance_id` and
 * have a row per id of `instanceIds`, but the ids themselves are in the parts and cannot be
 * checked here. A table both in `factorTables` and in `writtenTables` is a DataError.
 *
 * @example
 * ```ts
 * const config = pca.validate({ rank: 5 });
 * const output = await pca.fit(view, config, { seed: 0, signal: undefined, onProgress() {} });
 * const result = createResult({
 *   method: pca, config, output, inputRef: await computeInputRef(view),
 *   instanceIds: view.ids(view.axes[0]), attrs: { seed: 0 },
 *   instance: { axis: view.axes[0], idColumn: view.axisIndexColumns[view.axes[0]] ?? null },
 * });
 * ```
 */
export function createResult(parts: CreateResultParts): DecompositionResult {
  const { method, output } = parts;
  checkJson(
    parts.config,
    "config",
    (field) =>
      new ConfigError(
        field.replace(/^config\.?/, "") || "config",
        "is not JSON; a result stores its config as JSON (no undefined, NaN, bigint or class instances)",
      ),
  );
  checkJson(parts.attrs ?? {}, "attrs", (field) => new DataError(field, "is not a JSON value"));
  checkJson(output.diagnostics, "diagnostics", (f) => new DataError(f, "is not a JSON value"));
  checkWrittenTables(output, parts.instanceIds);
  const written = output.writtenTables?.[INSTANCE_TABLE] !== undefined;
  const table = written ? undefined : instanceTableOf(output);
  if (table !== undefined && parts.instanceIds !== undefined)
    checkIds(
      table.column(INSTANCE_ID),
      parts.instanceIds,
      `factor table '${INSTANCE_TABLE}' column '${INSTANCE_ID}'`,
    );
  return {
    method: method.id,
    methodVersion: method.version,
    config: structuredClone(parts.config) as JsonObject,
    inputRef: structuredClone(parts.inputRef),
    attrs: {
      created_at: new Date().toISOString(),
      library_version: LIBRARY_VERSION,
      ...structuredClone(parts.attrs ?? {}),
    },
    factorTables: { ...output.factorTables },
    componentTensors: { ...output.componentTensors },
    diagnostics: output.diagnostics,
    instance: { ...(parts.instance ?? { axis: INSTANCE_TABLE, idColumn: null }) },
    ...(output.writtenTables === undefined
      ? {}
      : { writtenTables: structuredClone(output.writtenTables) }),
  };
}
