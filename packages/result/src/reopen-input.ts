/** Tracing a result back to its input: reopen the dataset, replay the view, check nothing moved. */

import { openBundle } from "@tt/bundle";
import { createDataset, viewFromJSON } from "@tt/query";
import {
  type DecompositionResult,
  hashIds,
  hashManifest,
  InputChangedError,
  isTensorToolsError,
  type StoredDataset,
  type TensorView,
  UnsupportedError,
} from "@tt/schema";
import { createHttpStore } from "@tt/storage";

/** Options of {@link reopenInput}. */
export interface ReopenInputOptions {
  /** Opens the dataset at a location; the default opens `http(s)://` URLs (and, from `@tt/result/fs`, directories). */
  open?: (location: string) => Promise<StoredDataset>;
}

/** Opens `http(s)://` locations; anything else needs an opener that can reach it. */
function openHttpDataset(location: string): Promise<StoredDataset> {
  if (/^https?:\/\//i.test(location)) return openBundle(createHttpStore(location));
  throw new UnsupportedError(
    "local dataset location",
    `the result's input is at ${location}, which is not an http(s) URL; use reopenInput from "@tt/result/fs" for directories, or pass options.open`,
  );
}

/**
 * Reopens the dataset `result` was computed from and rebuilds the view from the recorded
 * selectors. The dataset's manifest hash, the number of instances and the hash of their ids
 * must match what the result recorded; any difference is an InputChangedError saying what
 * changed (`what`: `"manifest"`, `"instances"` or `"ids"`). A result of in-memory input is an
 * UnsupportedError.
 *
 * @example
 * ```ts
 * const view = await reopenInput(result); // the same instances, in the same order
 * const tensor = await view.materialize();
 * ```
 */
export async function reopenInput(
  result: DecompositionResult,
  options: ReopenInputOptions = {},
): Promise<TensorView> {
  const ref = result.inputRef;
  if (ref.dataset === null) {
    throw new UnsupportedError(
      "reopen in-memory input",
      "the result's input was not a stored dataset (input_ref.dataset is null), so there is nothing to reopen; write the data as a bundle first",
    );
  }
  const { location, manifest_hash: recorded } = ref.dataset;
  const stored = await (options.open ?? openHttpDataset)(location);
  const hash = await hashManifest(stored.manifest);
  if (hash !== recorded) {
    throw new InputChangedError(
      location,
      "manifest",
      `its manifest hash is ${hash}, the result recorded ${recorded}: the dataset was rewritten or appended to since the result was computed`,
    );
  }
  let view: TensorView;
  try {
    view = viewFromJSON(createDataset(stored), { selectors: ref.selectors });
  } catch (error) {
    if (!isTensorToolsError(error)) throw error;
    throw new InputChangedError(
      location,
      "instances",
      `the recorded selectors no longer apply to it (${error.message})`,
      { cause: error },
    );
  }
  const n = view.shape[0]!;
  if (n !== ref.n_instances) {
    throw new InputChangedError(
      location,
      "instances",
      `the recorded selectors now pick ${n} instances, the result was computed from ${ref.n_instances}`,
    );
  }
  const ids = await hashIds(view.ids(view.axes[0]!), n);
  if (ids !== ref.ids_hash) {
    throw new InputChangedError(
      location,
      "ids",
      `the recorded selectors pick ${n} instances as before, but their ids (or their order) differ: ids hash ${ids}, the result recorded ${ref.ids_hash}`,
    );
  }
  return view;
}
