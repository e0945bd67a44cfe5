/** The result of a decomposition, as the spec describes it. */

import type { JsonObject } from "./json.js";
import type { MethodOutput } from "./method.js";
import type { Selector } from "./selectors.js";

/** Where a result's input came from, so it can be traced back and re-run. On-disk keys. */
export interface InputRef {
  /** The dataset location (path or URL) and a hash of its manifest, or `null` for in-memory input. */
  dataset: { location: string; manifest_hash: string } | null;
  /** The view's selectors. */
  selectors: Selector[];
  /** The field the view read, when not the default `"data"`; the selectors apply to it. */
  field?: string;
  /** Number of instances (elements of the first axis) in the input. */
  n_instances: number;
  /** Hash of the input's instance ids, in order. */
  ids_hash: string;
}

/**
 * Which input axis the result's instance table (`factorTables.instance`) describes, and the
 * dataset id column whose values its `instance_id` column holds (`null`: the input had no id
 * column and the instances are keyed by their row numbers, 0..n-1).
 */
export interface ResultInstance {
  /** The input's first axis, e.g. `"epoch"`. */
  axis: string;
  /** The input's id column of that axis, e.g. `"id"`, or `null` (keyed by row number). */
  idColumn: string | null;
}

/** A decomposition result: the method's output with everything needed to trace it. */
export interface DecompositionResult extends MethodOutput {
  /** The method id. */
  method: string;
  /** The method version. */
  methodVersion: string;
  /** The complete config, defaults filled in. */
  config: JsonObject;
  /** The input. */
  inputRef: InputRef;
  /** Library and method versions, created_at, duration, seed. */
  attrs: JsonObject;
  /**
   * The axis and source id column behind the instance table. Results made by `createResult`
   * and opened by `openResult` always have it; older result bundles get it from their first
   * factor table.
   */
  instance?: ResultInstance;
}
