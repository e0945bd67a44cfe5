/** Replaying a view's JSON selectors (as recorded with a result) against a dataset. */

import {
  InvalidSelectionError,
  type Selector,
  type TensorDataset,
  type TensorView,
  type ViewJSON,
  validateSelectors,
} from "@tt/schema";

/** `view` with one more selector applied. */
function applySelector(view: TensorView, selector: Selector): TensorView {
  switch (selector.op) {
    case "query":
      return view.query(selector.axis, selector.expr);
    case "filter":
      return "ids" in selector
        ? view.filter(selector.axis, selector.ids)
        : view.filter(selector.axis, selector.mask);
    case "slice":
      return view.slice(selector.axis, selector.start, selector.stop);
    case "take":
      return view.take(selector.axis, selector.indices);
    case "add":
    case "subtract":
    case "multiply":
    case "divide":
      return "value" in selector
        ? view[selector.op](selector.value)
        : view[selector.op](selector.values, { axis: selector.axis });
    case "log1p":
    case "sqrt":
    case "abs":
      return view[selector.op]();
    case "subtract_mean":
      return view.subtractMean(selector.axis, { start: selector.start, stop: selector.stop });
    case "subtract_element":
      return view.subtractElement(selector.axis, selector.id);
    case "linear_map":
      return view.linearMap(
        selector.axis,
        selector.matrix,
        selector.offset === undefined ? undefined : { offset: selector.offset },
      );
  }
}

/**
 * Rebuilds a view from its JSON (as recorded with a result) against `dataset`: the field it
 * reads (`json.field`, when not `data`), then selections and delayed operations in order. The selectors are validated first (an error names
 * `selectors[i]...`); one that does not fit the dataset is the error the verb would throw.
 *
 * @example
 * ```ts
 * const view = dataset.query("instance", "qc_pass").subtractMean("sample", { start: 0, stop: 50 });
 * const again = viewFromJSON(dataset, JSON.parse(JSON.stringify(view.toJSON())));
 * again.shape; // view.shape, and the same values when read
 * ```
 */
export function viewFromJSON(dataset: TensorDataset, json: ViewJSON | unknown): TensorView {
  const selectors = validateSelectors((json as ViewJSON | undefined)?.selectors);
  const field = (json as ViewJSON | undefined)?.field;
  if (field !== undefined && typeof field !== "string")
    throw new InvalidSelectionError("field", `must be a field name, got ${JSON.stringify(field)}`);
  const start: TensorView = field === undefined ? dataset : dataset.field(field);
  return selectors.reduce<TensorView>(applySelector, start);
}
