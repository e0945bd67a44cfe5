/**
 * Updating the values of some instances of a field, by id, as a new version of the bundle: the
 * field's array is copied to a name of the new version with its untouched chunks shared (linked,
 * never rewritten) and the chunks that hold updated instances written anew; the old version's
 * files are never changed, so its readers see none of the update, and the manifest swap commits
 * all of it. Pyramids of the field are dropped (they reduce the values before the update).
 */

import {
  ArgumentError,
  DATASET_KIND,
  DataError,
  DEFAULT_FIELD,
  type IOOptions,
  type Manifest,
  matchesDType,
  NotFoundError,
  SCHEMA_VERSION,
  type StoredDataset,
  sizeOf,
  type TypedArray,
  UnsupportedError,
  type WritableArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import type { VersionedWrite } from "@tt/storage";
import { copyArray } from "./append-bundle.js";
import { keepFiles } from "./keep-files.js";
import { openBundle } from "./open-bundle.js";
import { type BundlePlugins, LAYOUT, resolvePlugins } from "./plugins.js";
import { type DatasetBase, requireBase, writeNewVersion } from "./version.js";

/**
 * Options of {@link updateBundleInstances}.
 *
 * @example
 * ```ts
 * const options: UpdateInstancesOptions = { mask: new Uint8Array(2 * 40).fill(1) };
 * ```
 */
export interface UpdateInstancesOptions extends BundlePlugins, IOOptions {
  /** The validity of the new values (1 = valid), for a field with a mask; all valid if omitted. */
  mask?: Uint8Array;
}

/** The instance ids to update, by id. */
export type InstanceIds = readonly (string | number | bigint)[];

/** The stored positions of `ids` in `dataset`, sorted, with the row of `values` of each. */
function positionsOf(dataset: StoredDataset, ids: InstanceIds, field: string) {
  const first = dataset.axes[0]!;
  const rows = new Map<number, number>();
  ids.forEach((id, row) => {
    const position = dataset.indexOf(first, id);
    if (position === undefined)
      throw new NotFoundError(
        `${first} id ${JSON.stringify(String(id))}`,
        `updateInstances of field '${field}': ids[${row}] = ${JSON.stringify(String(id))} is not an id of '${first}' in ${dataset.location}`,
      );
    if (rows.has(position))
      throw new ArgumentError(
        "updateInstances",
        "ids",
        `ids[${row}] = ${JSON.stringify(String(id))} repeats ids[${rows.get(position)}]; give each instance once`,
      );
    rows.set(position, row);
  });
  return new Map([...rows.entries()].sort((a, b) => a[0] - b[0]));
}

/** The field's arrays, its manifest entry's store paths, and its shape. */
function fieldParts(manifest: Manifest, field: string, location: string) {
  if (field === DEFAULT_FIELD || field === manifest.tensor_name)
    return {
      name: DEFAULT_FIELD,
      arrayStore: manifest.array_store,
      maskStore: manifest.mask_store,
      stem: LAYOUT.arrayStem,
      maskStem: LAYOUT.maskStem,
    };
  const entry = manifest.fields?.[field];
  if (entry === undefined)
    throw new NotFoundError(
      `field '${field}'`,
      `the dataset in ${location} has no field '${field}'; its fields are ${[DEFAULT_FIELD, ...Object.keys(manifest.fields ?? {})].join(", ")}`,
    );
  return {
    name: field,
    arrayStore: entry.array_store,
    maskStore: entry.mask_store,
    stem: `arrays/${field}`,
    maskStem: `arrays/${field}.masks`,
  };
}

/** Rewrites each chunk of rows that holds an updated instance, the others left shared. */
async function patchChunks(
  target: WritableArray,
  read: (start: number, stop: number) => Promise<TypedArray | Uint8Array>,
  rows: Map<number, number>,
  values: TypedArray | Uint8Array,
  slab: number,
  options: IOOptions,
): Promise<number> {
  const chunkRows = target.metadata.chunkShape[0]!;
  const n = target.metadata.shape[0]!;
  const chunks = [...new Set([...rows.keys()].map((p) => Math.floor(p / chunkRows)))];
  for (const chunk of chunks) {
    options.signal?.throwIfAborted();
    const start = chunk * chunkRows;
    const stop = Math.min(n, start + chunkRows);
    const block = await read(start, stop);
    for (let position = start; position < stop; position++) {
      const row = rows.get(position);
      if (row === undefined) continue;
      block.set(values.subarray(row * slab, (row + 1) * slab) as never, (position - start) * slab);
    }
    await target.writeBlock(start, block as TypedArray, options);
  }
  return chunks.length;
}

/** Writes the updated copies of the field's arrays; returns the new version's manifest. */
async function writeUpdate(
  write: VersionedWrite,
  base: DatasetBase,
  dataset: StoredDataset,
  update: { field: string; rows: Map<number, number>; values: TypedArray },
  options: UpdateInstancesOptions,
): Promise<Manifest> {
  const { manifest } = base;
  const parts = fieldParts(manifest, update.field, dataset.location ?? "");
  const { arrayStore } = resolvePlugins(options, manifest);
  const n = dataset.shape[0]!;
  const slab = sizeOf(dataset.shape.slice(1));
  const copy = (from: string, stem: string) =>
    copyArray(arrayStore, write.store, from, write.path(stem, ".zarr"), {
      length: n,
      signal: options.signal,
    });
  const rowsOf = (start: number, stop: number) =>
    dataset.read([{ start, stop }], { signal: options.signal });
  const array = await copy(parts.arrayStore, parts.stem);
  await patchChunks(array, rowsOf, update.rows, update.values, slab, options);
  const mask =
    parts.maskStore === undefined ? undefined : await copy(parts.maskStore, parts.maskStem);
  if (mask !== undefined) {
    const valid = options.mask ?? new Uint8Array(update.values.length).fill(1);
    const maskOf = (start: number, stop: number) =>
      dataset.readMask([{ start, stop }], { signal: options.signal });
    await patchChunks(mask, maskOf, update.rows, valid, slab, options);
  }
  const stale = (manifest.pyramids ?? []).filter((pyramid) => pyramid.field === parts.name);
  const replaced = [parts.arrayStore, ...(parts.maskStore === undefined ? [] : [parts.maskStore])];
  await keepFiles(write, manifest, [...replaced, ...stale.map((pyramid) => pyramid.path)]);
  const stores = {
    array_store: write.path(parts.stem, ".zarr"),
    ...(mask === undefined ? {} : { mask_store: write.path(parts.maskStem, ".zarr") }),
  };
  const kept = (manifest.pyramids ?? []).filter((pyramid) => !stale.includes(pyramid));
  const { pyramids: _pyramids, ...rest } = manifest;
  const change = { kind: "update", field: parts.name, n_instances: update.rows.size };
  return {
    ...rest,
    schema_version: SCHEMA_VERSION,
    kind: DATASET_KIND,
    ...(await write.versionFields(change)),
    ...(parts.name === DEFAULT_FIELD
      ? stores
      : {
          fields: {
            ...manifest.fields,
            [parts.name]: { ...manifest.fields![parts.name]!, ...stores },
          },
        }),
    ...(kept.length > 0 ? { pyramids: kept } : {}),
  };
}

/** Checks the values (and mask) against the field: its dtype, one slab per id. */
function checkValues(
  dataset: StoredDataset,
  field: string,
  count: number,
  values: TypedArray,
  mask: Uint8Array | undefined,
): void {
  const slab = sizeOf(dataset.shape.slice(1));
  const where = `updateInstances of field '${field}'`;
  if (!matchesDType(values, dataset.dtype))
    throw new DataError(
      where,
      `values are a ${Object.prototype.toString.call(values).slice(8, -1)}, the field holds ${dataset.dtype}`,
    );
  if (values.length !== count * slab)
    throw new DataError(
      where,
      `values have ${values.length} elements, ${count} instances of [${dataset.shape.slice(1).join(", ")}] need ${count * slab}`,
    );
  if (mask !== undefined && mask.length !== values.length)
    throw new DataError(where, `the mask has ${mask.length} elements, the values ${values.length}`);
}

/** Refuses to update an array the bundle reads in place from a file it does not own. */
function refuseInPlace(manifest: Manifest, path: string): void {
  if (manifest.inventory?.[path]?.mtime_ms === undefined) return;
  throw new UnsupportedError(
    "update of an array read in place",
    `the bundle reads ${path} in place from a file it does not own, so it cannot change it; write the dataset to a bundle of its own (a copy) and update that`,
  );
}

/**
 * Replaces the values of the instances `ids` of field `field` (`"data"` or a field the bundle
 * lists) in the bundle in `store` with `values` (one slab per id, in the order of `ids`, of the
 * field's dtype), as the bundle's next version. Atomic at the level of the operation: the chunks
 * that hold the instances are written as new files of the new version (the others shared), never
 * in place, so a reader of the old version sees none of it and the manifest swap commits all of
 * it; a crash leaves the old version. The version records `change: { kind: "update", field,
 * n_instances }`, so results computed from the field before are stale for `reopenInput`; pyramids
 * of the field are dropped. An unknown id is a NotFoundError naming it, a repeated one an
 * ArgumentError, values of another dtype or length a DataError.
 *
 * @example
 * ```ts
 * await updateBundleInstances(store, "waveform", ["e3", "e7"], new Float32Array(2 * 40));
 * ```
 */
export async function updateBundleInstances(
  store: WritableKeyValueStore,
  field: string,
  ids: InstanceIds,
  values: TypedArray,
  options: UpdateInstancesOptions = {},
): Promise<Manifest> {
  const { signal } = options;
  const base = await requireBase(store, signal);
  const { manifest } = base;
  const parts = fieldParts(manifest, field, store.location);
  refuseInPlace(manifest, parts.arrayStore);
  const bundle = await openBundle(store, { ...options, signal });
  const dataset = parts.name === DEFAULT_FIELD ? bundle : bundle.fieldDataset!(parts.name);
  checkValues(dataset, parts.name, ids.length, values, options.mask);
  const rows = positionsOf(dataset, ids, parts.name);
  return writeNewVersion(store, { overwrite: true, signal, base }, (write) =>
    writeUpdate(write, base, dataset, { field: parts.name, rows, values }, options),
  );
}
