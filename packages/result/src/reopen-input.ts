/** Tracing a result back to its input: reopen the dataset, replay the view, check nothing moved. */

import { openBundle } from "@tt/bundle";
import { createDataset, viewFromJSON } from "@tt/query";
import {
  changesSince,
  DEFAULT_FIELD,
  type DecompositionResult,
  hashIds,
  hashManifest,
  InputChangedError,
  isTensorToolsError,
  type Manifest,
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

/** A change as a message names it: `update of field 'waveform' (3 instances)`, `append`. */
function describeChange(change: { kind: string; [detail: string]: unknown }): string {
  if (change.kind !== "update") return change.kind;
  return `update of field '${String(change.field)}' (${String(change.n_instances)} instances)`;
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
 * Whether a change since the result leaves the field it read as it was: an annotation (metadata
 * columns), a field added (another array), a pyramid built, an update of another field.
 */
function keepsField(change: { kind: string; [detail: string]: unknown }, field: string): boolean {
  if (change.kind === "annotate" || change.kind === "add_field" || change.kind === "pyramid")
    return true;
  return change.kind === "update" && change.field !== field;
}

/**
 * Accepts a dataset whose versions since the recorded one left the result's field as it was
 * (see {@link keepsField}: the selection is replayed and its instances and ids checked next);
 * any other change (an append, an update of the field, a rewrite), or a recorded version not in
 * the dataset's history, is an InputChangedError.
 */
function checkChangesSince(
  manifest: Manifest,
  recorded: string,
  hash: string,
  location: string,
  field: string,
) {
  const changes = changesSince(manifest, recorded);
  if (changes === undefined)
    throw new InputChangedError(
      location,
      "manifest",
      `its manifest hash is ${hash}, the result recorded ${recorded}, which is not in the dataset's history: it was rewritten (or written anew) since the result was computed`,
    );
  const data = changes.filter((change) => !keepsField(change, field));
  if (data.length > 0)
    throw new InputChangedError(
      location,
      "data",
      `since the result was computed its data changed (${data.map(describeChange).join(", then ")}); the result no longer describes it`,
    );
}

/**
 * Reopens the dataset `result` was computed from and rebuilds the view from the recorded field
 * and selectors. The dataset must be the recorded version or a later one that left the field as
 * it was (metadata columns added or replaced, fields added, other fields updated); the number of instances the selectors pick and the hash
 * of their ids must match what the result recorded. Any difference is an InputChangedError
 * saying what changed (`what`: `"manifest"` when the recorded version is not in the dataset's
 * history, `"data"` after an append or a rewrite, `"instances"` or `"ids"`). A result of
 * in-memory input is an UnsupportedError.
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
  const field = ref.field ?? DEFAULT_FIELD;
  if (hash !== recorded) checkChangesSince(stored.manifest, recorded, hash, location, field);
  let view: TensorView;
  try {
    const json = { selectors: ref.selectors, ...(ref.field === undefined ? {} : { field }) };
    view = viewFromJSON(createDataset(stored), json);
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
