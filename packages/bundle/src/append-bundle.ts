/**
 * Appends elements along the first axis of a bundle, as a new version: the arrays are copied to
 * names of the new version (whole chunks shared through links, not rewritten) and grown, the
 * first axis's metadata and coordinates are written anew, and everything else is kept; the
 * manifest swap is the commit.
 */

import {
  type ArrayStoreBackend,
  DATASET_KIND,
  DataError,
  type IOOptions,
  type Manifest,
  MetaTable,
  SCHEMA_VERSION,
  sizeOf,
  type TypedArray,
  UnsupportedError,
  type WritableArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import { beginVersionedWrite, type VersionedWrite } from "@tt/storage";
import { writeIdIndex } from "./id-index-write.js";
import { buildIdIndex } from "./ids.js";
import { openBundle } from "./open-bundle.js";
import { type BundlePlugins, LAYOUT, resolvePlugins } from "./plugins.js";
import { columnFromIndex, type StreamBlock } from "./stream.js";
import { type DatasetBase, manifestText, requireBase } from "./version.js";
import { writeCoordinateArrays, writeTables } from "./write-bundle.js";

/** An array read in place from a file the bundle does not own cannot grow: an UnsupportedError. */
function refuseInPlaceArray(manifest: Manifest): void {
  const record = manifest.inventory?.[manifest.array_store];
  if (record?.mtime_ms === undefined) return;
  throw new UnsupportedError(
    "append to an array read in place",
    `the bundle reads its array in place from ${manifest.array_store}, a file it does not own, so it cannot grow; write the dataset to a bundle of its own (a copy) and append to that`,
  );
}

/**
 * A bundle with fields beside `data` cannot grow by `data` alone (every field needs its rows of
 * the new instances): an UnsupportedError saying so, before anything is written.
 */
function refuseFields(manifest: Manifest): void {
  const fields = Object.keys(manifest.fields ?? {});
  if (fields.length === 0) return;
  throw new UnsupportedError(
    "append to a bundle with fields",
    `the bundle has fields ${fields.join(", ")} beside data, and an append brings rows of data only; concatenate with a bundle of the new instances (concatDatasets) instead, which carries every field`,
  );
}

/** Options of appending to a bundle. */
export interface AppendBundleOptions extends BundlePlugins, IOOptions {}

/**
 * A writable copy at `to` of the first `length` slabs of the array at `from`: the store's own
 * copy (which shares chunks), or else slab by slab into a new array of the same layout.
 */
export async function copyArray(
  arrayStore: ArrayStoreBackend,
  store: WritableKeyValueStore,
  from: string,
  to: string,
  options: IOOptions & { length: number },
): Promise<WritableArray> {
  if (arrayStore.copy !== undefined) return arrayStore.copy(store, from, to, options);
  const source = await arrayStore.open(store, from, options);
  const { shape, dtype, dimensionNames, chunkShape, codec, fillValue } = source.metadata;
  const target = await arrayStore.create(store, to, {
    shape: [options.length, ...shape.slice(1)],
    dtype,
    dimensionNames,
    chunkShape,
    codec,
    fillValue,
  });
  const rows = chunkShape[0]!;
  for (let start = 0; start < options.length; start += rows) {
    const stop = Math.min(options.length, start + rows);
    await target.writeBlock(start, await source.read([{ start, stop }], options), options);
  }
  return target;
}

/** The new version's copies of the data array and the mask, to be grown. */
async function growableArrays(
  write: VersionedWrite,
  base: DatasetBase,
  options: AppendBundleOptions,
) {
  const { manifest } = base;
  const { arrayStore } = resolvePlugins(options, manifest);
  const copy = (from: string, stem: string) =>
    copyArray(arrayStore, write.store, from, write.path(stem, ".zarr"), {
      length: manifest.shape[0]!,
      signal: options.signal,
    });
  const array = await copy(manifest.array_store, LAYOUT.arrayStem);
  const mask = manifest.mask_store ? await copy(manifest.mask_store, LAYOUT.maskStem) : undefined;
  return { array, mask };
}

/** Checks one appended block and returns its metadata rows with the id column. */
function appendedMeta(
  block: StreamBlock,
  slab: number,
  where: string,
  idColumn: string,
  existing: MetaTable,
  seen: Set<unknown>,
): MetaTable {
  const rows = block.data.length / slab;
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
    const before = existing.has(name) ? existing.column(name).type : type;
    if (before !== type)
      throw new DataError(`${where} column '${name}'`, `is ${type}, the dataset has ${before}`);
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
  return meta;
}

/** Keeps every file of the base version that the append does not replace. */
async function keepUnchanged(write: VersionedWrite, manifest: Manifest, first: string) {
  for (const [axis, path] of Object.entries(manifest.meta_files))
    if (axis !== first) await write.keep(path);
  for (const [axis, path] of Object.entries(manifest.coord_stores ?? {}))
    if (axis !== first) await write.keep(path);
  for (const path of Object.values(manifest.partitions ?? {})) await write.keep(path);
}

/**
 * Appends `blocks` (slabs along the first axis with their metadata rows and ids) to the bundle
 * in `store`, as its next version: a reader sees the dataset before or after the append, never
 * half of it, and a reader that opened it before keeps reading the old version. Ids must stay
 * unique; metadata columns are unioned (absent values are null); a column whose type changes is
 * an error, raised before anything is written.
 *
 * @example
 * ```ts
 * await appendBundle(store, [{ data: block, ids: ["e101", "e102"] }]);
 * ```
 */
export async function appendBundle(
  store: WritableKeyValueStore,
  blocks: AsyncIterable<StreamBlock> | Iterable<StreamBlock>,
  options: AppendBundleOptions = {},
): Promise<Manifest> {
  const { signal } = options;
  const base = await requireBase(store, signal);
  const { manifest } = base;
  refuseInPlaceArray(manifest);
  refuseFields(manifest);
  const plugins = resolvePlugins(options, manifest);
  const dataset = await openBundle(store, { ...plugins, signal });
  const first = manifest.axes[0]!;
  const slab = sizeOf(manifest.shape.slice(1));
  const idColumn = manifest.axis_index_columns[first]!;
  const existing = dataset.meta(first);
  const seen = new Set<unknown>(Array.from(dataset.ids(first) as ArrayLike<unknown>));
  const write = await beginVersionedWrite(store, { base });
  try {
    const { array, mask } = await growableArrays(write, base, options);
    const tables = [existing];
    let added = 0;
    for await (const block of blocks) {
      signal?.throwIfAborted();
      const where = `appended block at ${first} ${manifest.shape[0]! + added}`;
      const meta = appendedMeta(block, slab, where, idColumn, existing, seen);
      await array.append(block.data as TypedArray, { signal });
      if (mask !== undefined)
        await mask.append(block.mask ?? new Uint8Array(block.data.length).fill(1), { signal });
      tables.push(meta);
      added += meta.numRows;
    }
    const table = MetaTable.concat(tables);
    const metaFiles = await writeTables(
      write,
      { [first]: table },
      plugins.metaIO,
      (axis) => `meta/${axis}`,
      { signal, axis: true },
    );
    const coords = await writeCoordinateArrays(
      write.store,
      plugins.arrayStore,
      { [first]: table },
      { [first]: idColumn },
      { signal },
      (axis) => write.path(LAYOUT.coordStem(axis), ".zarr"),
    );
    const idIndex = await writeIdIndex(write, first, table, idColumn, { signal });
    await keepUnchanged(write, manifest, first);
    // The pyramids reduce the data before the append: stale, so the new version drops them.
    const { pyramids: _stale, ...unpyramided } = manifest;
    const grown: Manifest = {
      ...unpyramided,
      schema_version: SCHEMA_VERSION,
      kind: DATASET_KIND,
      ...(await write.versionFields({ kind: "append", instances: added })),
      shape: [manifest.shape[0]! + added, ...manifest.shape.slice(1)],
      array_store: write.path(LAYOUT.arrayStem, ".zarr"),
      ...(mask ? { mask_store: write.path(LAYOUT.maskStem, ".zarr") } : {}),
      meta_files: { ...manifest.meta_files, ...metaFiles },
      ...(coords ? { coord_stores: { ...manifest.coord_stores, ...coords } } : {}),
      id_index: idIndex,
    };
    await write.commit(manifestText(grown));
    return grown;
  } catch (error) {
    await write.abort();
    throw error;
  }
}
