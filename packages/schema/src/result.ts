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
  /** Number of instances (elements of the first axis) in the input. */
  n_instances: number;
  /** Hash of the input's instance ids, in order. */
  ids_hash: string;
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
}
