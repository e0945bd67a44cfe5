/** Appends elements along the first axis of a bundle; the manifest update is the commit. */

import {
  DataError,
  type IOOptions,
  type Manifest,
  MetaTable,
  sizeOf,
  type TypedArray,
  type WritableArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import { buildIdIndex } from "./ids.js";
import { openBundle } from "./open-bundle.js";
import { type BundlePlugins, LAYOUT, resolvePlugins } from "./plugins.js";
import { columnFromIndex, type StreamBlock } from "./stream.js";
import { writeCoordinateArrays } from "./write-bundle.js";

/** Options of appending to a bundle. */
export interface AppendBundleOptions extends BundlePlugins, IOOptions {}

/**
 * Appends `blocks` (slabs along the first axis with their metadata rows and ids) to the bundle
 * in `store`. New data and a new metadata file are written first and the manifest last, so a
 * reader sees the dataset before or after the append, never half of it. Ids must stay unique;
 * metadata columns are unioned (absent values are null); a column whose type changes is an error.
 */
export async function appendBundle(
  store: WritableKeyValueStore,
  blocks: AsyncIterable<StreamBlock> | Iterable<StreamBlock>,
  options: AppendBundleOptions = {},
): Promise<Manifest> {
  const plugins = resolvePlugins(options);
  const { signal } = options;
  const dataset = await openBundle(store, { ...plugins, signal });
  const { manifest } = dataset;
  const first = manifest.axes[0]!;
  const slab = sizeOf(manifest.shape.slice(1));
  const array = await plugins.arrayStore.openWritable(store, manifest.array_store, { signal });
  const mask = manifest.mask_store
    ? await plugins.arrayStore.openWritable(store, manifest.mask_store, { signal })
    : undefined;
  // Slabs past the manifest's length are leftovers of an append that never committed: they are
  // not part of the dataset, so new slabs overwrite them before the array grows.
  let position = manifest.shape[0]!;
  const place = async (target: WritableArray, data: TypedArray) => {
    const rows = slab === 0 ? 0 : data.length / slab;
    const inPlace = Math.max(0, Math.min(rows, target.metadata.shape[0]! - position));
    if (inPlace > 0)
      await target.writeBlock(position, data.subarray(0, inPlace * slab) as TypedArray, { signal });
    if (inPlace < rows)
      await target.append(data.subarray(inPlace * slab) as TypedArray, { signal });
  };
  const idColumn = manifest.axis_index_columns[first]!;
  const tables = [dataset.meta(first)];
  const seen = new Set<unknown>(Array.from(dataset.ids(first) as ArrayLike<unknown>));
  let added = 0;
  for await (const block of blocks) {
    signal?.throwIfAborted();
    const rows = block.data.length / slab;
    const where = `appended block at ${first} ${manifest.shape[0]! + added}`;
    if (!Number.isInteger(rows))
      throw new DataError(
        where,
        `has ${block.data.length} elements, not a whole number of slabs of ${slab}`,
      );
    let meta = block.meta ?? MetaTable.empty(rows);
    if (meta.numRows !== rows)
      throw new DataError(where, `has ${meta.numRows} metadata rows for ${rows} slabs`);
    if (block.ids !== undefined)
      meta = meta.withColumn(idColumn, columnFromIndex(block.ids, `${where} ids`));
    if (!meta.has(idColumn))
      throw new DataError(where, `needs ids: pass ids or a metadata column '${idColumn}'`);
    // Types and ids are checked before any data is written, so a bad block leaves the bundle as it was.
    for (const { name, type } of meta.schema) {
      const existing = tables[0]!.has(name) ? tables[0]!.column(name).type : type;
      if (existing !== type)
        throw new DataError(`${where} column '${name}'`, `is ${type}, the dataset has ${existing}`);
    }
    const ids = meta.column(idColumn);
    buildIdIndex(ids, `${where} column '${idColumn}'`);
    for (const id of Array.from(ids.values as ArrayLike<unknown>)) {
      if (seen.has(id))
        throw new DataError(
          where,
          `repeats id ${JSON.stringify(String(id))}, which the dataset already has`,
        );
      seen.add(id);
    }
    await place(array, block.data);
    if (mask !== undefined)
      await place(mask, block.mask ?? new Uint8Array(block.data.length).fill(1));
    tables.push(meta);
    added += rows;
    position += rows;
  }
  const table = MetaTable.concat(tables);
  const oldPath = manifest.meta_files[first]!;
  const stamp = Date.now().toString(36);
  const newPath = LAYOUT.meta(`${first}.${stamp}`, plugins.metaIO.extension);
  await store.set(newPath, await plugins.metaIO.write(table, { axis: first }), { signal });
  const oldCoords = manifest.coord_stores?.[first];
  const coords = await writeCoordinateArrays(
    store,
    plugins.arrayStore,
    { [first]: table },
    { [first]: idColumn },
    { signal },
    (axis) => LAYOUT.coords(`${axis}.${stamp}`),
  );
  const grown: Manifest = {
    ...manifest,
    shape: [manifest.shape[0]! + added, ...manifest.shape.slice(1)],
    meta_files: { ...manifest.meta_files, [first]: newPath },
    ...(coords ? { coord_stores: { ...manifest.coord_stores, ...coords } } : {}),
  };
  await store.set(
    LAYOUT.manifest,
    new TextEncoder().encode(`${JSON.stringify(grown, null, 2)}\n`),
    { signal },
  );
  await store.delete(oldPath);
  if (oldCoords !== undefined)
    for await (const key of store.list(`${oldCoords}/`)) await store.delete(key);
  return grown;
}
