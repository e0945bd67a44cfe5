/**
 * Building a pyramid of a bundle's data as a new version of the bundle: the base array is read
 * block by block through the dataset's reads (in the stored order, or by row sets in sorted
 * order), every block is reduced into every level at once, each level is written a tile of rows
 * at a time, and one manifest swap commits the group; a failure leaves the version before.
 */

import {
  type AxisSelection,
  allocate,
  ConfigError,
  DATASET_KIND,
  hashManifest,
  type IOOptions,
  type Manifest,
  type ManifestPyramid,
  NotFoundError,
  type Progress,
  SCHEMA_VERSION,
  type StoredDataset,
  sizeOf,
  type TypedArray,
  type WritableArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import type { VersionedWrite } from "@tt/storage";
import { zarrStore } from "@tt/store-zarr";
import { keepFiles } from "./keep-files.js";
import { openBundle } from "./open-bundle.js";
import { findPyramidIndex, PYRAMID_FIELDS } from "./open-pyramid.js";
import type { BundlePlugins } from "./plugins.js";
import {
  LAST_BIN_RULE,
  LEVEL_DTYPE,
  levelPath,
  MISSING_RULE,
  multiscalesAttribute,
  ORDER_PATH,
  PYRAMID_REDUCTIONS,
  type PyramidReduction,
  planLevels,
} from "./pyramid-format.js";
import { binMap, type LevelReducer, LevelReducer as Reducer } from "./pyramid-reducer.js";
import { type PyramidSortKey, sortColumnName, sortOrder } from "./sort-order.js";
import { type DatasetBase, requireBase, writeNewVersion } from "./version.js";

/**
 * Options of {@link buildPyramid}.
 *
 * @example
 * ```ts
 * const options: BuildPyramidOptions = { factor: 4, sortBy: "rt_ms", descending: true };
 * ```
 */
export interface BuildPyramidOptions extends BundlePlugins, IOOptions {
  /** The field to reduce; `"data"` (the default) is the only one. */
  field?: string;
  /** The axes to downsample, the first axis first; the first two axes by default. */
  axes?: readonly string[];
  /** The downsampling factor per level, 2 (default) or 4. */
  factor?: number;
  /** The reductions to store: `mean`, `min` and `max` (all three by default). */
  reduce?: readonly PyramidReduction[];
  /** Sort the first axis by this column (or a column of a table joined by id) before reducing. */
  sortBy?: PyramidSortKey;
  /** Sort descending rather than ascending. */
  descending?: boolean;
  /**
   * Levels are added until one holds at most this many bytes (default 1 MiB: the coarsest level
   * is what a viewer reads whole for its first picture).
   */
  targetBytes?: number;
  /** Tile (chunk) length of the levels along each downsampled axis (default 256). */
  tileSize?: number;
  /** Base rows read per block (default: the base array's chunk rows). */
  blockRows?: number;
  /** Codec of the levels (the array store's default). */
  codec?: string;
  /** Reports progress as blocks are reduced. */
  onProgress?: (progress: Progress) => void;
}

/** The default `targetBytes`: a level of at most 1 MiB ends the pyramid. */
const DEFAULT_TARGET_BYTES = 1024 * 1024;

/** What the build does, checked against the dataset before anything is written. */
interface PyramidPlan {
  field: string;
  reducedAxes: string[];
  reduced: boolean[];
  factor: number;
  reductions: PyramidReduction[];
  levelShapes: number[][];
  tileSize: number;
}

/** Checks the options against the manifest; the plan, or a typed error naming the option. */
function planOf(manifest: Manifest, location: string, options: BuildPyramidOptions): PyramidPlan {
  const field = options.field ?? "data";
  if (!PYRAMID_FIELDS.includes(field))
    throw new NotFoundError(
      `field '${field}'`,
      `the dataset in ${location} has no field '${field}'; its fields are ${PYRAMID_FIELDS.join(", ")}`,
    );
  const factor = options.factor ?? 2;
  if (factor !== 2 && factor !== 4)
    throw new ConfigError("factor", `must be 2 or 4, got ${JSON.stringify(options.factor)}`);
  const { axes } = manifest;
  const reducedAxes = [...(options.axes ?? axes.slice(0, 2))];
  for (const axis of reducedAxes)
    if (!axes.includes(axis))
      throw new ConfigError(
        "axes",
        `'${axis}' is not an axis of ${location}; its axes are ${axes.join(", ")}`,
      );
  if (reducedAxes[0] !== axes[0] || new Set(reducedAxes).size !== reducedAxes.length)
    throw new ConfigError(
      "axes",
      `must list distinct axes, '${axes[0]}' first (the axis read in blocks), got ${reducedAxes.join(", ")}`,
    );
  const reductions = [...(options.reduce ?? PYRAMID_REDUCTIONS)];
  for (const reduction of reductions)
    if (!PYRAMID_REDUCTIONS.includes(reduction))
      throw new ConfigError(
        "reduce",
        `'${reduction}' is not one of ${PYRAMID_REDUCTIONS.join(", ")}`,
      );
  const tileSize = options.tileSize ?? 256;
  const targetBytes = options.targetBytes ?? DEFAULT_TARGET_BYTES;
  if (!Number.isInteger(tileSize) || tileSize < 1)
    throw new ConfigError("tileSize", `must be a positive integer, got ${tileSize}`);
  if (!(targetBytes >= 0))
    throw new ConfigError("targetBytes", `must be 0 or more, got ${targetBytes}`);
  const reduced = axes.map((axis) => reducedAxes.includes(axis));
  const levelShapes = planLevels(manifest.shape, reduced, factor, targetBytes);
  return { field, reducedAxes, reduced, factor, reductions, levelShapes, tileSize };
}

/** The level arrays of the group, `arrays[level - 1][reduction]`. */
async function createLevels(
  write: VersionedWrite,
  group: string,
  manifest: Manifest,
  plan: PyramidPlan,
  codec: string | undefined,
): Promise<Partial<Record<PyramidReduction, WritableArray>>[]> {
  const levels: Partial<Record<PyramidReduction, WritableArray>>[] = [];
  for (const [i, shape] of plan.levelShapes.entries()) {
    const chunkShape = shape.map((n, d) =>
      d === 0 || plan.reduced[d] ? Math.max(1, Math.min(plan.tileSize, n)) : Math.max(1, n),
    );
    const arrays: Partial<Record<PyramidReduction, WritableArray>> = {};
    for (const reduction of plan.reductions)
      arrays[reduction] = await zarrStore.create(
        write.store,
        `${group}/${levelPath(reduction, i + 1)}`,
        {
          shape,
          dtype: LEVEL_DTYPE,
          dimensionNames: manifest.axes,
          chunkShape,
          codec,
        },
      );
    levels.push(arrays);
  }
  return levels;
}

/** One reducer per level, each writing its tiles and feeding the next; level 1 first. */
function chainReducers(
  manifest: Manifest,
  plan: PyramidPlan,
  arrays: Partial<Record<PyramidReduction, WritableArray>>[],
  options: IOOptions,
): LevelReducer[] {
  const reducers: LevelReducer[] = [];
  for (let level = plan.levelShapes.length; level >= 1; level--) {
    const inShape = level === 1 ? manifest.shape : plan.levelShapes[level - 2]!;
    const { map, outShape } = binMap(inShape.slice(1), plan.reduced.slice(1), plan.factor);
    const next = reducers[0];
    const target = arrays[level - 1]!;
    const reducer = new Reducer(map, outShape, plan.factor, plan.tileSize, async (tile) => {
      for (const reduction of plan.reductions)
        await target[reduction]!.writeBlock(tile.start, tile[reduction], options);
      await next?.pushPartials(tile.start, tile.partials);
    });
    reducers.unshift(reducer);
  }
  return reducers;
}

/** Reads the base block by block (in `order` when sorted) and reduces it into every level. */
async function reduceBase(
  dataset: StoredDataset,
  order: Int32Array | undefined,
  reducers: LevelReducer[],
  options: BuildPyramidOptions,
): Promise<void> {
  const { signal } = options;
  const n = dataset.shape[0]!;
  const slab = sizeOf(dataset.shape.slice(1));
  const blockRows = Math.max(1, options.blockRows ?? dataset.array.metadata.chunkShape[0]!);
  const wide = dataset.dtype === "int64" || dataset.dtype === "uint64";
  const buffer = dataset.readInto && !wide ? allocate(dataset.dtype, blockRows * slab) : undefined;
  for (let start = 0; start < n; start += blockRows) {
    signal?.throwIfAborted();
    const stop = Math.min(n, start + blockRows);
    const rows: AxisSelection = order ? order.subarray(start, stop) : { start, stop };
    const selection = [rows, ...dataset.shape.slice(1).map(() => null)];
    let values: TypedArray;
    if (buffer !== undefined) {
      values = buffer.subarray(0, (stop - start) * slab) as TypedArray;
      await dataset.readInto!(selection, values, 0, { signal });
    } else values = await dataset.read(selection, { signal });
    const numeric = wide ? Float64Array.from(values as BigInt64Array, Number) : values;
    const mask = dataset.hasMask ? await dataset.readMask(selection, { signal }) : undefined;
    await reducers[0]!.pushValues(start, numeric as ArrayLike<number>, mask, stop - start);
    options.onProgress?.({ phase: "pyramid", fraction: n === 0 ? 1 : stop / n });
  }
  for (const reducer of reducers) await reducer.finish();
}

/** Writes the sort order as the group's `order` array. */
async function writeOrder(write: VersionedWrite, group: string, axis: string, order: Int32Array) {
  const array = await zarrStore.create(write.store, `${group}/${ORDER_PATH}`, {
    shape: [order.length],
    dtype: "int32",
    dimensionNames: [axis],
  });
  await array.writeBlock(0, order);
}

/** The group's `zarr.json`: a Zarr v3 group with the `multiscales` attribute. */
async function writeGroup(
  write: VersionedWrite,
  group: string,
  base: DatasetBase,
  plan: PyramidPlan,
  sort: ManifestPyramid["sort_by"],
) {
  const multiscales = multiscalesAttribute({
    axes: base.manifest.axes,
    reduced: plan.reduced,
    factor: plan.factor,
    levels: plan.levelShapes.length,
    name: plan.field,
    metadata: {
      factor: plan.factor,
      reduced_axes: plan.reducedAxes,
      source: {
        field: plan.field,
        version: base.generation,
        array_store: base.manifest.array_store,
        manifest_hash: await hashManifest(base.manifest),
      },
      sort: sort === null ? null : { ...sort, order_path: ORDER_PATH },
      missing: MISSING_RULE,
      last_bin: LAST_BIN_RULE,
    },
  }).filter((entry) => plan.reductions.includes(entry.type));
  const json = { zarr_format: 3, node_type: "group", attributes: { multiscales } };
  await write.store.set(
    `${group}/zarr.json`,
    new TextEncoder().encode(JSON.stringify(json, null, 2)),
  );
}

/** Writes the pyramid's files and returns the manifest of the new version. */
async function writePyramid(
  write: VersionedWrite,
  base: DatasetBase,
  dataset: StoredDataset,
  plan: PyramidPlan & { sort: ManifestPyramid["sort_by"]; order: Int32Array | undefined },
  options: BuildPyramidOptions,
): Promise<Manifest> {
  const { manifest } = base;
  const { sort, order } = plan;
  const group = write.path(`arrays/${plan.field}.pyramid`, ".zarr");
  const arrays = await createLevels(write, group, manifest, plan, options.codec);
  await reduceBase(dataset, order, chainReducers(manifest, plan, arrays, options), options);
  if (order !== undefined) await writeOrder(write, group, manifest.axes[0]!, order);
  await writeGroup(write, group, base, plan, sort);
  const replaced = findPyramidIndex(manifest, plan.field, sort?.column);
  const kept = (manifest.pyramids ?? []).filter((_, i) => i !== replaced);
  await keepFiles(write, manifest, replaced < 0 ? [] : [manifest.pyramids![replaced]!.path]);
  const entry: ManifestPyramid = {
    field: plan.field,
    path: group,
    axes: plan.reducedAxes,
    factor: plan.factor,
    levels: plan.levelShapes.length,
    sort_by: sort,
    built_from: {
      version: base.generation,
      array_store: manifest.array_store,
      ...(manifest.mask_store === undefined ? {} : { mask_store: manifest.mask_store }),
    },
  };
  const change = {
    kind: "pyramid",
    field: plan.field,
    factor: plan.factor,
    levels: entry.levels,
    sort_by: sort?.column ?? null,
  };
  return {
    ...manifest,
    schema_version: SCHEMA_VERSION,
    kind: DATASET_KIND,
    ...(await write.versionFields(change)),
    pyramids: [...kept, entry],
  };
}

/**
 * Builds the multiscale pyramid of the bundle's data in `store` and commits it as the bundle's
 * next version: levels downsampled by `factor` (2 or 4) along `axes` (the first two by
 * default) until a level fits `targetBytes`, with the mean and the min/max envelope of each bin
 * (NaN and masked elements skipped), in a Zarr group `arrays/data.pyramid.v<g>-<token>.zarr`
 * described by a `multiscales` attribute (see `pyramid-format.ts`). With `sortBy`, the first
 * axis is reduced in the order of a column (rows read by row sets in that order, block by
 * block). Memory is bounded by a block of base rows and a tile of rows per level. A pyramid of
 * the same field and sort column is replaced; an append later drops it (it would be stale).
 *
 * @example
 * ```ts
 * await buildPyramid(store, { factor: 4 });
 * await buildPyramid(store, { sortBy: "rt_ms" });
 * const pyramid = await openPyramid(store, { sortBy: "rt_ms" });
 * ```
 */
export async function buildPyramid(
  store: WritableKeyValueStore,
  options: BuildPyramidOptions = {},
): Promise<Manifest> {
  const { signal } = options;
  const base = await requireBase(store, signal);
  const plan = planOf(base.manifest, store.location, options);
  const dataset = await openBundle(store, { ...options, signal });
  const sort: ManifestPyramid["sort_by"] =
    options.sortBy === undefined
      ? null
      : {
          axis: base.manifest.axes[0]!,
          column: sortColumnName(options.sortBy),
          descending: options.descending ?? false,
        };
  const order =
    options.sortBy === undefined ? undefined : sortOrder(dataset, options.sortBy, sort!.descending);
  return writeNewVersion(store, { overwrite: true, signal, base }, (write) =>
    writePyramid(write, base, dataset, { ...plan, sort, order }, options),
  );
}
