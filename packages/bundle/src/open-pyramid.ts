/**
 * Reading a bundle's pyramid: the levels of a field (level 0 is the base array, in the
 * pyramid's order) and tiles of any level and reduction as float32, in Node and in the browser.
 * A pyramid built from an older version of the data is never read: it is an error.
 */

import {
  type AxisSelection,
  DataError,
  InvalidSelectionError,
  type IOOptions,
  type KeyValueStore,
  type Manifest,
  type ManifestPyramid,
  NotFoundError,
  type StoredArray,
  type ViewRange,
} from "@tt/schema";
import { zarrStore } from "@tt/store-zarr";
import { type BundlePlugins, resolvePlugins } from "./plugins.js";
import {
  type Multiscale,
  ORDER_PATH,
  PYRAMID_REDUCTIONS,
  type PyramidReduction,
  readMultiscales,
} from "./pyramid-format.js";
import { requireBase, versionStore } from "./version.js";

/**
 * The fields a pyramid can be built of and read from.
 *
 * @example
 * ```ts
 * PYRAMID_FIELDS.includes("data"); // true
 * ```
 */
export const PYRAMID_FIELDS: readonly string[] = Object.freeze(["data"]);

/**
 * Options of {@link openPyramid}.
 *
 * @example
 * ```ts
 * const options: OpenPyramidOptions = { field: "data", sortBy: "rt_ms" };
 * ```
 */
export interface OpenPyramidOptions extends BundlePlugins, IOOptions {
  /** The field whose pyramid to open; `"data"` by default. */
  field?: string;
  /** The metadata column the pyramid is sorted by; the unsorted pyramid when omitted. */
  sortBy?: string;
}

/**
 * One level of a pyramid.
 *
 * @example
 * ```ts
 * const { shape, scale, chunkShape } = pyramid.levels[1]!; // scale [2, 2, 1] for factor 2
 * ```
 */
export interface PyramidLevel {
  /** 0 for the base array, 1 for the first downsampled level, ... */
  readonly level: number;
  /** Its shape (the base's for level 0). */
  readonly shape: readonly number[];
  /** How many base elements one element stands for along each axis (`factor^level`). */
  readonly scale: readonly number[];
  /** The chunk shape to align tile reads with. */
  readonly chunkShape: readonly number[];
}

/**
 * An opened pyramid: its levels and tile reads.
 *
 * @example
 * ```ts
 * const pyramid: Pyramid = await openPyramid(store);
 * const tile = await pyramid.readTile(1, "min", { start: 0, stop: 256 }, { start: 0, stop: 256 }, 0);
 * ```
 */
export interface Pyramid {
  /** The field it reduces. */
  readonly field: string;
  /** The dataset's axes. */
  readonly axes: readonly string[];
  /** The downsampled axes. */
  readonly reducedAxes: readonly string[];
  /** The factor per level. */
  readonly factor: number;
  /** The sort key of the first axis, or null for the stored order. */
  readonly sortBy: ManifestPyramid["sort_by"];
  /** The dataset version the pyramid reads (its manifest's `version`). */
  readonly version: number;
  /** Level 0 (the base) first, then the downsampled levels, coarser and coarser. */
  readonly levels: readonly PyramidLevel[];
  /** For a sorted pyramid: the base row at each sorted position; undefined when unsorted. */
  readonly order: Int32Array | undefined;
  /**
   * Reads the elements `instances` x `samples` of one channel (of the third axis; 0 when the data
   * has two axes) of `level` for `reduction` as float32, row-major (`instances` rows). Level 0 is
   * the base data in the pyramid's order, the same for every reduction; masked elements are NaN.
   */
  readTile(
    level: number,
    reduction: PyramidReduction,
    instances: ViewRange,
    samples: ViewRange,
    channel?: number,
    options?: IOOptions,
  ): Promise<Float32Array>;
}

/** The position in the manifest's `pyramids` of the one of `field` sorted by `sortBy`, or -1. */
export function findPyramidIndex(
  manifest: Manifest,
  field: string,
  sortBy: string | undefined,
): number {
  return (manifest.pyramids ?? []).findIndex(
    (p) => p.field === field && (p.sort_by?.column ?? undefined) === sortBy,
  );
}

/** The pyramid entry of the manifest for `field` and `sortBy`, checked not stale. */
export function findPyramid(
  manifest: Manifest,
  location: string,
  field: string,
  sortBy: string | undefined,
): { entry: ManifestPyramid; index: number } {
  if (!PYRAMID_FIELDS.includes(field))
    throw new NotFoundError(
      `field '${field}'`,
      `the dataset in ${location} has no field '${field}'; its fields are ${PYRAMID_FIELDS.join(", ")}`,
    );
  const pyramids = manifest.pyramids ?? [];
  const index = findPyramidIndex(manifest, field, sortBy);
  const what = `pyramid of '${field}'${sortBy === undefined ? "" : ` sorted by '${sortBy}'`}`;
  if (index < 0)
    throw new NotFoundError(
      "pyramids",
      `the dataset in ${location} (version ${manifest.version ?? 0}) has no ${what}${pyramids.length > 0 ? ` (it has ${pyramids.map((p) => (p.sort_by ? `sorted by '${p.sort_by.column}'` : "unsorted")).join(", ")})` : ""}; build it with buildPyramid or tt pyramid`,
    );
  const entry = pyramids[index]!;
  const built = entry.built_from;
  if (built.array_store !== manifest.array_store || built.mask_store !== manifest.mask_store)
    throw new DataError(
      `pyramids[${index}]`,
      `the ${what} in ${location} is stale: it was built from version ${built.version} (${built.array_store}), the data is now ${manifest.array_store}; rebuild it`,
    );
  return { entry, index };
}

/** The multiscale entry of each reduction in the group's attribute. */
function byReduction(multiscales: Multiscale[], where: string) {
  const found = new Map<PyramidReduction, Multiscale>();
  for (const reduction of PYRAMID_REDUCTIONS) {
    const entry = multiscales.find((m) => m.type === reduction);
    if (entry !== undefined) found.set(reduction, entry);
  }
  if (found.size === 0)
    throw new DataError(
      where,
      `its multiscales attribute has none of the reductions ${PYRAMID_REDUCTIONS.join(", ")}`,
    );
  return found;
}

/** A level array and its scale. */
interface LevelArray {
  array: StoredArray;
  scale: number[];
}

/**
 * The level arrays of every reduction, keyed `<reduction>/<level>`, each opened when first
 * asked for (its `zarr.json` read once); a failed open is forgotten, so a retry opens again.
 */
function levelOpener(
  files: KeyValueStore,
  group: string,
  multiscales: Map<PyramidReduction, Multiscale>,
) {
  const opened = new Map<string, Promise<LevelArray>>();
  return (
    reduction: PyramidReduction,
    level: number,
    options: IOOptions,
  ): Promise<LevelArray> | undefined => {
    const dataset = multiscales.get(reduction)?.datasets[level - 1];
    if (dataset === undefined) return undefined;
    const key = `${reduction}/${level}`;
    let array = opened.get(key);
    if (array === undefined) {
      array = zarrStore
        .open(files, `${group}/${dataset.path}`, { signal: options.signal })
        .then((stored) => ({ array: stored, scale: dataset.scale }));
      array.catch(() => opened.delete(key));
      opened.set(key, array);
    }
    return array;
  };
}

/** The group's attributes, read from its `zarr.json`. */
async function groupAttributes(files: KeyValueStore, group: string, options: IOOptions) {
  const bytes = await files.get(`${group}/zarr.json`, options);
  if (bytes === undefined)
    throw new NotFoundError(group, `the pyramid group '${group}' has no zarr.json`);
  return (JSON.parse(new TextDecoder().decode(bytes)) as { attributes?: unknown }).attributes;
}

/**
 * Opens the pyramid of `options.field` (`data`) in the bundle in `store`, sorted by
 * `options.sortBy` or unsorted: its levels (level 0 is the base array) with shape, scale and
 * chunk shape, and `readTile`. Only the manifest, the group's `zarr.json`, the `zarr.json` of
 * the first reduction's levels (for their shapes and chunk shapes), the base's (and a sorted
 * pyramid's order) are read, at once, until tiles are asked for; the other reductions' levels
 * are opened by their first read. A missing
 * pyramid is a NotFoundError; one built before the data last changed is a DataError.
 *
 * @example
 * ```ts
 * const pyramid = await openPyramid(createHttpStore("http://localhost:8080/demo/"));
 * const level = pyramid.levels.at(-1)!;
 * const tile = await pyramid.readTile(level.level, "mean", { start: 0, stop: level.shape[0] },
 *   { start: 0, stop: level.shape[1] }, 0);
 * ```
 */
export async function openPyramid(
  store: KeyValueStore,
  options: OpenPyramidOptions = {},
): Promise<Pyramid> {
  const { signal } = options;
  const { manifest } = await requireBase(store, signal);
  const field = options.field ?? "data";
  const { entry } = findPyramid(manifest, store.location, field, options.sortBy);
  const files = versionStore(store, manifest);
  const where = `${store.location}/${entry.path}`;
  const multiscales = byReduction(
    readMultiscales(await groupAttributes(files, entry.path, { signal }), where),
    where,
  );
  const openLevel = levelOpener(files, entry.path, multiscales);
  const { arrayStore } = resolvePlugins(options, manifest);
  const [stored, base, mask, order] = await Promise.all([
    listedLevels(entry, multiscales, openLevel, signal),
    arrayStore.open(files, manifest.array_store, { signal }),
    manifest.mask_store === undefined
      ? undefined
      : arrayStore.open(files, manifest.mask_store, { signal }),
    entry.sort_by === null
      ? undefined
      : zarrStore
          .open(files, `${entry.path}/${ORDER_PATH}`, { signal })
          .then((array) => array.read([null], { signal }) as Promise<Int32Array>),
  ]);
  return pyramidOf(manifest, entry, { stored, openLevel }, { base, mask, order });
}

/**
 * The levels 1 on of the first reduction the group holds (their shapes and chunk shapes from
 * its arrays, opened at once); the other reductions' arrays are opened by their first read.
 */
async function listedLevels(
  entry: ManifestPyramid,
  multiscales: Map<PyramidReduction, Multiscale>,
  openLevel: ReturnType<typeof levelOpener>,
  signal: AbortSignal | undefined,
): Promise<{ reductions: PyramidReduction[]; levels: PyramidLevel[] }> {
  const reductions = PYRAMID_REDUCTIONS.filter((reduction) => multiscales.has(reduction));
  const first = reductions[0]!;
  const levels = await Promise.all(
    Array.from({ length: entry.levels }, async (_, i) => {
      const found = openLevel(first, i + 1, { signal });
      if (found === undefined)
        throw new DataError(
          entry.path,
          `lists ${entry.levels} levels but has no ${first}/${i + 1}`,
        );
      const { array, scale } = await found;
      const { shape, chunkShape } = array.metadata;
      return { level: i + 1, shape: [...shape], scale, chunkShape: [...chunkShape] };
    }),
  );
  return { reductions, levels };
}

/** The opened pyramid over its level arrays and the base. */
function pyramidOf(
  manifest: Manifest,
  entry: ManifestPyramid,
  levels: {
    stored: { reductions: PyramidReduction[]; levels: PyramidLevel[] };
    openLevel: ReturnType<typeof levelOpener>;
  },
  base: { base: StoredArray; mask: StoredArray | undefined; order: Int32Array | undefined },
): Pyramid {
  const shape = manifest.shape;
  const list: PyramidLevel[] = [
    {
      level: 0,
      shape: [...shape],
      scale: shape.map(() => 1),
      chunkShape: [...base.base.metadata.chunkShape],
    },
    ...levels.stored.levels,
  ];
  const stored = levels.stored.reductions;
  const readTile = (
    level: number,
    reduction: PyramidReduction,
    instances: ViewRange,
    samples: ViewRange,
    channel = 0,
    options: IOOptions = {},
  ) => {
    const rest: AxisSelection[] = shape.length > 2 ? [{ start: channel, stop: channel + 1 }] : [];
    if (shape.length > 3)
      throw new DataError(
        entry.path,
        `tiles are read from data of 2 or 3 axes, not ${shape.length}`,
      );
    if (level === 0) return readBaseTile(base, instances, [samples, ...rest], options);
    const found = level <= entry.levels ? levels.openLevel(reduction, level, options) : undefined;
    if (found === undefined)
      throw new NotFoundError(
        `level ${level}`,
        `the pyramid has levels 0 to ${entry.levels} of ${stored.join(", ")}; no ${reduction} level ${level}`,
      );
    return found
      .then(({ array }) => array.read([instances, samples, ...rest], options))
      .then(asFloat32);
  };
  return Object.freeze({
    field: entry.field,
    axes: Object.freeze([...manifest.axes]),
    reducedAxes: Object.freeze([...entry.axes]),
    factor: entry.factor,
    sortBy: entry.sort_by,
    version: manifest.version ?? 0,
    levels: Object.freeze(list),
    order: base.order,
    readTile,
  });
}

/** A read as float32 (levels are float32 already; the base may be another dtype). */
function asFloat32(values: ArrayLike<number> | ArrayLike<bigint>): Float32Array {
  if (values instanceof Float32Array) return values;
  return Float32Array.from(values as ArrayLike<number>, Number);
}

/** A tile of the base array in the pyramid's order, masked elements NaN. */
async function readBaseTile(
  base: { base: StoredArray; mask: StoredArray | undefined; order: Int32Array | undefined },
  instances: ViewRange,
  rest: AxisSelection[],
  options: IOOptions,
): Promise<Float32Array> {
  const { order } = base;
  if (
    order !== undefined &&
    !(instances.start >= 0 && instances.stop <= order.length && instances.start <= instances.stop)
  )
    throw new InvalidSelectionError(
      base.base.metadata.dimensionNames[0]!,
      `range ${instances.start}:${instances.stop} is not within the ${order.length} sorted rows of level 0`,
    );
  const rows: AxisSelection =
    order === undefined ? instances : order.subarray(instances.start, instances.stop);
  const values = asFloat32(await base.base.read([rows, ...rest], options));
  if (base.mask === undefined) return values;
  const mask = await base.mask.read([rows, ...rest], options);
  for (let i = 0; i < values.length; i++) if (!mask[i]) values[i] = Number.NaN;
  return values;
}
