/** View selectors as plain JSON, so a view can be recorded with a result and replayed. */

import { InvalidSelectionError } from "./errors.js";
import { isPlainObject } from "./json.js";
import { describeType } from "./paths.js";
import {
  checkTransformSelector,
  isTransformSelector,
  TRANSFORM_OPS,
  type TransformSelector,
} from "./transform-selectors.js";

/** Rows of `axis` whose metadata satisfies the query expression `expr`. */
export interface QuerySelector {
  op: "query";
  axis: string;
  expr: string;
}
/** Elements of `axis` with the given ids (in that order), or where `mask` is true. */
export type FilterSelector =
  | { op: "filter"; axis: string; ids: (string | number)[] }
  | { op: "filter"; axis: string; mask: boolean[] };
/** Positions `start` to `stop` (exclusive) of `axis`, relative to the view so far. */
export interface SliceSelector {
  op: "slice";
  axis: string;
  start: number;
  stop: number;
}
/** Positions `indices` of `axis`, relative to the view so far. */
export interface TakeSelector {
  op: "take";
  axis: string;
  indices: number[];
}

/**
 * One step of a view, applied in order to the dataset: a selection (query, filter, slice, take) or
 * a delayed element-wise operation ({@link TransformSelector}). int64 ids are written as decimal
 * strings.
 */
export type Selector =
  | QuerySelector
  | FilterSelector
  | SliceSelector
  | TakeSelector
  | TransformSelector;

const SELECTION_OPS = ["query", "filter", "slice", "take"];

const isIndex = (n: unknown) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

/** Checks a selection selector (its axis already checked); `fail` throws naming the selector. */
function checkSelection(s: Record<string, unknown>, fail: (message: string) => never): void {
  switch (s.op) {
    case "query":
      if (typeof s.expr !== "string") fail("expr must be a string");
      break;
    case "filter":
      if ("ids" in s === "mask" in s) fail("a filter needs exactly one of ids or mask");
      if (
        "ids" in s &&
        !(
          Array.isArray(s.ids) &&
          s.ids.every((id) => typeof id === "string" || typeof id === "number")
        )
      ) {
        fail("ids must be an array of strings or numbers");
      }
      if (
        "mask" in s &&
        !(Array.isArray(s.mask) && s.mask.every((flag) => typeof flag === "boolean"))
      ) {
        fail("mask must be an array of booleans");
      }
      break;
    case "slice":
      if (!isIndex(s.start))
        fail(`start must be a non-negative integer, got ${describeType(s.start)}`);
      if (!isIndex(s.stop))
        fail(`stop must be a non-negative integer, got ${describeType(s.stop)}`);
      if ((s.stop as number) < (s.start as number))
        fail(`stop ${s.stop} is before start ${s.start}`);
      break;
    case "take":
      if (!(Array.isArray(s.indices) && s.indices.every(isIndex))) {
        fail("indices must be an array of non-negative integers");
      }
      break;
    default:
      fail(
        `op must be one of ${[...SELECTION_OPS, ...TRANSFORM_OPS].join(", ")}; got ${describeType(s.op)}`,
      );
  }
}

/**
 * Checks that `value` is an array of selectors and returns it typed; the error names the
 * offending entry, e.g. `selectors[2].stop`.
 */
export function validateSelectors(value: unknown): Selector[] {
  if (!Array.isArray(value)) {
    throw new InvalidSelectionError("selectors", `must be an array, got ${describeType(value)}`);
  }
  for (const [i, selector] of value.entries()) {
    const at = `selectors[${i}]`;
    const fail = (message: string, key = ""): never => {
      throw new InvalidSelectionError(
        typeof selector?.axis === "string" && selector.axis.length > 0 ? selector.axis : at,
        `${at}${key}: ${message}`,
      );
    };
    if (!isPlainObject(selector)) fail(`must be an object, got ${describeType(selector)}`);
    const s = selector as Record<string, unknown>;
    if (typeof s.op === "string" && isTransformSelector(s as { op: string })) {
      checkTransformSelector(s, (key, message) => fail(message, key));
      continue;
    }
    if (typeof s.axis !== "string" || s.axis.length === 0) fail("axis must be a non-empty string");
    checkSelection(s, fail);
  }
  return value as Selector[];
}
