/** Checks an opened array against what the manifest declares for it. */

import { DataError } from "./errors.js";
import type { Manifest } from "./manifest.js";
import type { StoredArray } from "./plugins.js";

/**
 * Checks that `array`, opened from the manifest's `field` (`array_store`, `mask_store`), holds
 * `dtype` with the manifest's shape and axis names; a mismatch is a DataError naming the array.
 * The array may be longer than the manifest on the first axis: an append writes the array before
 * the manifest, and slabs past the manifest's length are not yet part of the dataset.
 */
export function checkArrayAgainstManifest(
  array: StoredArray,
  manifest: Manifest,
  field: "array_store" | "mask_store",
  dtype: string,
): void {
  const { shape, dimensionNames } = array.metadata;
  const where = String(manifest[field]);
  if (array.metadata.dtype !== dtype) {
    throw new DataError(where, `holds ${array.metadata.dtype}, the manifest says ${dtype}`);
  }
  const fits =
    shape.length === manifest.shape.length &&
    shape[0]! >= manifest.shape[0]! &&
    shape.every((length, i) => i === 0 || length === manifest.shape[i]);
  if (!fits) {
    throw new DataError(
      where,
      `has shape [${shape.join(", ")}], the manifest says [${manifest.shape.join(", ")}]`,
    );
  }
  if (dimensionNames.some((name, i) => name !== manifest.axes[i])) {
    throw new DataError(
      where,
      `has dimension names [${dimensionNames.join(", ")}], the manifest's axes are [${manifest.axes.join(", ")}]`,
    );
  }
}
