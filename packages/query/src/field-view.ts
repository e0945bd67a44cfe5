/** Finding another field of a dataset, and what of a view carries over to it. */

import {
  DEFAULT_FIELD,
  InvalidSelectionError,
  NotFoundError,
  type Selector,
  type StoredDataset,
} from "@tt/schema";

/** The stored dataset of field `name` of `stored`'s dataset; a NotFoundError names the fields. */
export function storedField(stored: StoredDataset, name: string): StoredDataset {
  if (name === (stored.fieldName ?? DEFAULT_FIELD)) return stored;
  const fields = stored.fields ?? [DEFAULT_FIELD];
  if (!fields.includes(name) || stored.fieldDataset === undefined)
    throw new NotFoundError(
      `field '${name}'`,
      `the dataset${stored.location === undefined ? "" : ` in ${stored.location}`} has no field '${name}'; its fields are ${fields.join(", ")}`,
    );
  return stored.fieldDataset(name);
}

/**
 * The selectors of a view that carry over to another field: those of the first axis (the
 * instances), whose positions do not depend on the other axes. Delayed operations do not carry
 * over (they were for another field's values): a view with some is an InvalidSelectionError.
 */
export function carriedSelectors(
  stored: StoredDataset,
  name: string,
  selectors: readonly Selector[],
  delayed: boolean,
): Selector[] {
  if (delayed)
    throw new InvalidSelectionError(
      stored.axes[0]!,
      `field('${name}'): the view has delayed operations, which apply to the values of field '${stored.fieldName ?? DEFAULT_FIELD}'; select the field first, then transform it`,
    );
  const first = stored.axes[0]!;
  return selectors.filter((selector) => "axis" in selector && selector.axis === first);
}
