/** The input reference of a result: which dataset, which selection, which instances. */

import {
  hashIds,
  hashManifest,
  type InputRef,
  type ReadableView,
  type TensorView,
  validateSelectors,
} from "@tt/schema";

/** Whether `view` is a view of a stored dataset (it knows its dataset and its selectors). */
function isTensorView(view: ReadableView): view is TensorView {
  const candidate = view as Partial<TensorView>;
  return (
    typeof candidate.toJSON === "function" &&
    typeof candidate.dataset === "object" &&
    candidate.dataset !== null &&
    typeof candidate.dataset.location === "string" &&
    typeof candidate.dataset.manifest === "object"
  );
}

/**
 * The {@link InputRef} of `view`: the dataset's location and manifest hash when the view selects
 * from a stored dataset (else `null`: a tensor, a view of a dataset held in memory), its
 * selectors, the field it reads (when not `data`), the number of instances (first axis) and the hash of their ids in order.
 *
 * @example
 * ```ts
 * const view = dataset.query("instance", "label == 'target'");
 * const ref = await computeInputRef(view);
 * // { dataset: { location: "/data/eeg", manifest_hash: "sha256:..." }, selectors: [...], ... }
 * ```
 */
export async function computeInputRef(view: ReadableView): Promise<InputRef> {
  const first = view.axes[0]!;
  const n = view.shape[0]!;
  const stored = isTensorView(view) ? view.dataset : undefined;
  // A dataset held in memory (a tensor as a dataset) has no location: nothing to trace back to.
  const location = stored?.location;
  const json = (view as Partial<TensorView>).toJSON?.();
  const field = json?.field;
  return {
    dataset:
      stored === undefined || location === undefined
        ? null
        : { location, manifest_hash: await hashManifest(stored.manifest) },
    selectors: json === undefined ? [] : validateSelectors(structuredClone(json.selectors)),
    ...(field === undefined ? {} : { field }),
    n_instances: n,
    ids_hash: await hashIds(view.ids(first), n),
  };
}
