/** Refusing a view with nothing in it before any check that assumes data (rank, statistics). */

import {
  DataError,
  InvalidSelectionError,
  type ReadableView,
  type Selector,
  type TensorView,
} from "@tt/schema";

/** Characters of a query expression or of a list of ids shown in a message. */
const SHOWN = 60;

function clip(text: string): string {
  return text.length <= SHOWN ? text : `${text.slice(0, SHOWN)}…`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** One selector as a short call, e.g. `query(epoch, "label == 'x'")` or `slice(epoch, 5, 5)`. */
function describeSelector(selector: Selector): string {
  switch (selector.op) {
    case "query":
      return `query(${selector.axis}, ${JSON.stringify(clip(selector.expr))})`;
    case "filter":
      if ("mask" in selector) {
        const kept = selector.mask.filter(Boolean).length;
        return `filter(${selector.axis}, a mask keeping ${kept} of ${selector.mask.length})`;
      }
      {
        const { ids } = selector;
        const listed =
          ids.length > 0 ? `: ${clip(ids.map((id) => JSON.stringify(id)).join(", "))}` : "";
        return `filter(${selector.axis}, ${plural(ids.length, "id")}${listed})`;
      }
    case "slice":
      return `slice(${selector.axis}, ${selector.start}, ${selector.stop})`;
    case "take":
      return `take(${selector.axis}, ${plural(selector.indices.length, "position")})`;
    default:
      // Delayed operations change values, not what is selected.
      return "axis" in selector ? `${selector.op}(${selector.axis})` : `${selector.op}()`;
  }
}

/**
 * Throws when an axis of `view` has no elements: an InvalidSelectionError listing the view's
 * selectors when it has some (a query that matched nothing, an empty slice), else a DataError
 * (the dataset itself is empty). Decompositions call it first, so that an empty selection is not
 * reported as a rank or a statistics problem.
 */
export function assertViewHasData(view: ReadableView): void {
  const empty = view.shape.indexOf(0);
  if (empty < 0) return;
  const axis = view.axes[empty]!;
  const what = empty === 0 ? "no instances" : `no elements of axis '${axis}'`;
  const { selectors, dataset } = view as Partial<TensorView>;
  if (selectors !== undefined && selectors.length > 0) {
    const total = dataset?.shape[empty];
    const of = total === undefined ? "" : ` (the dataset has ${total})`;
    throw new InvalidSelectionError(
      axis,
      `the view selects ${what}${of}, so there is nothing to decompose; its selectors: ${selectors.map(describeSelector).join(", ")}`,
    );
  }
  throw new DataError(
    `axis '${axis}'`,
    `has ${empty === 0 ? "no instances" : "no elements"}: there is nothing to decompose`,
  );
}
