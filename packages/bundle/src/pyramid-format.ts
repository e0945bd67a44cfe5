/**
 * The on-disk form of a pyramid: a Zarr v3 group next to the base array
 * (`arrays/data.pyramid.v<g>-<token>.zarr/`) whose `multiscales` attribute follows the OME-NGFF
 * 0.4 convention: a list of multiscale objects, one per reduction (`mean`, `min`, `max`), each
 * with `version`, `name`, `type`, `axes` [{name, type}], `datasets` [{path,
 * coordinateTransformations: [{type: "scale", scale}]}] and `metadata`. Level `L` of reduction
 * `r` is the float32 array `<r>/<L>` of the group, downsampled by `factor^L` along the reduced
 * axes (level 0 is the base array itself and is not in the group). A sorted pyramid also holds
 * `order`, an int32 array: position `p` of the sorted first axis is base row `order[p]`.
 */

import { bytesPerElement, DataError, type DType, isPlainObject, sizeOf } from "@tt/schema";

/**
 * The reductions a pyramid keeps, each its own multiscale entry: mean and the min/max envelope.
 *
 * @example
 * ```ts
 * for (const reduction of PYRAMID_REDUCTIONS) await pyramid.readTile(1, reduction, rows, samples, 0);
 * ```
 */
export const PYRAMID_REDUCTIONS = ["mean", "min", "max"] as const;

/**
 * One of {@link PYRAMID_REDUCTIONS}.
 *
 * @example
 * ```ts
 * const reduction: PyramidReduction = "max";
 * ```
 */
export type PyramidReduction = (typeof PYRAMID_REDUCTIONS)[number];

/** The version of the multiscales convention the attribute follows. */
export const MULTISCALES_VERSION = "0.4";

/** The path of the sort order array in a sorted pyramid's group. */
export const ORDER_PATH = "order";

/** The dtype every level is stored in. */
export const LEVEL_DTYPE: DType = "float32";

/** Path, inside the group, of level `level` (1 on) of `reduction`. */
export function levelPath(reduction: PyramidReduction, level: number): string {
  return `${reduction}/${level}`;
}

/**
 * The shape of each downsampled level, level 1 first: every reduced axis divided by
 * `factor^L` (rounded up: the last bin is partial), until a level of float32 holds at most
 * `targetBytes`, or every reduced axis is down to 1.
 */
export function planLevels(
  shape: readonly number[],
  reduced: readonly boolean[],
  factor: number,
  targetBytes: number,
): number[][] {
  const levels: number[][] = [];
  let current = [...shape];
  for (;;) {
    const next = current.map((n, i) => (reduced[i] ? Math.ceil(n / factor) : n));
    levels.push(next);
    const small = sizeOf(next) * bytesPerElement(LEVEL_DTYPE) <= targetBytes;
    const flat = next.every((n, i) => !reduced[i] || n <= 1);
    if (small || flat) return levels;
    current = next;
  }
}

/** The scale of level `level` along each axis: `factor^level` on reduced axes, 1 elsewhere. */
export function levelScale(reduced: readonly boolean[], factor: number, level: number): number[] {
  return reduced.map((r) => (r ? factor ** level : 1));
}

/** The `metadata` of each multiscale entry: how the levels were made and from what. */
export interface PyramidMetadata {
  /** The reduction over each bin (`mean`, `min` or `max` of the valid elements). */
  method: PyramidReduction;
  /** Downsampling factor per level along each reduced axis. */
  factor: number;
  /** The reduced axes. */
  reduced_axes: string[];
  /** The field and the data version it was built from. */
  source: { field: string; version: number; array_store: string; manifest_hash: string };
  /** The sort key of the first axis, or null for the stored order. */
  sort: { axis: string; column: string; descending: boolean; order_path: string } | null;
  /** How missing values and the last partial bin are reduced, in words. */
  missing: string;
  last_bin: string;
}

/** What the attribute is built from. */
export interface MultiscalesSpec {
  axes: readonly string[];
  reduced: readonly boolean[];
  factor: number;
  levels: number;
  name: string;
  metadata: Omit<PyramidMetadata, "method">;
}

/** The axis `type` of the convention for each axis: instance, sample (reduced) or channel. */
function axisType(position: number, reduced: boolean): string {
  if (position === 0) return "instance";
  return reduced ? "sample" : "channel";
}

/** The `multiscales` attribute of a pyramid group: one multiscale object per reduction. */
export function multiscalesAttribute(spec: MultiscalesSpec) {
  return PYRAMID_REDUCTIONS.map((reduction) => ({
    version: MULTISCALES_VERSION,
    name: `${spec.name}/${reduction}`,
    type: reduction,
    axes: spec.axes.map((name, i) => ({ name, type: axisType(i, spec.reduced[i]!) })),
    datasets: Array.from({ length: spec.levels }, (_, i) => ({
      path: levelPath(reduction, i + 1),
      coordinateTransformations: [
        { type: "scale", scale: levelScale(spec.reduced, spec.factor, i + 1) },
      ],
    })),
    metadata: { ...spec.metadata, method: reduction },
  }));
}

/**
 * One multiscale entry as any reader of the convention sees it.
 *
 * @example
 * ```ts
 * const [mean]: Multiscale[] = readMultiscales(attributes, "arrays/data.pyramid.zarr");
 * mean.datasets[0]; // { path: "mean/1", scale: [2, 2, 1] }
 * ```
 */
export interface Multiscale {
  name: string;
  type: string | undefined;
  axes: string[];
  datasets: { path: string; scale: number[] }[];
  metadata: Record<string, unknown>;
}

/** The scale of one dataset entry: its `scale` transformation (all ones when it has none). */
function datasetScale(dataset: Record<string, unknown>, rank: number, where: string): number[] {
  const transforms = dataset.coordinateTransformations ?? [];
  if (!Array.isArray(transforms))
    throw new DataError(where, "coordinateTransformations must be a list");
  const scale = transforms.find((t) => isPlainObject(t) && t.type === "scale") as
    | { scale?: unknown }
    | undefined;
  if (scale === undefined) return new Array(rank).fill(1);
  const values = scale.scale;
  if (!Array.isArray(values) || values.length !== rank || !values.every(Number.isFinite))
    throw new DataError(where, `scale must be ${rank} numbers, got ${JSON.stringify(values)}`);
  return values as number[];
}

/**
 * Reads a `multiscales` group attribute of the OME-NGFF 0.4 form (the attribute alone, no
 * tensortools manifest): every multiscale entry with its axes and its datasets' paths and
 * scales. `where` names the group in errors.
 *
 * @example
 * ```ts
 * const group = JSON.parse(new TextDecoder().decode(await store.get(`${path}/zarr.json`)));
 * for (const { type, datasets } of readMultiscales(group.attributes, path))
 *   console.log(type, datasets.map((d) => `${d.path} x${d.scale.join("x")}`));
 * ```
 */
export function readMultiscales(attributes: unknown, where: string): Multiscale[] {
  const list = isPlainObject(attributes) ? attributes.multiscales : undefined;
  if (!Array.isArray(list))
    throw new DataError(where, "has no multiscales attribute (a list of multiscale objects)");
  return list.map((entry: unknown, i) => {
    const at = `${where} multiscales[${i}]`;
    if (!isPlainObject(entry) || !Array.isArray(entry.axes) || !Array.isArray(entry.datasets))
      throw new DataError(at, "must be an object with axes and datasets lists");
    const axes = (entry.axes as unknown[]).map((axis) =>
      isPlainObject(axis) ? String(axis.name) : String(axis),
    );
    const datasets = (entry.datasets as unknown[]).map((dataset, j) => {
      if (!isPlainObject(dataset) || typeof dataset.path !== "string")
        throw new DataError(`${at}.datasets[${j}]`, "must be an object with a path");
      return {
        path: dataset.path,
        scale: datasetScale(dataset, axes.length, `${at}.datasets[${j}]`),
      };
    });
    const type = typeof entry.type === "string" ? entry.type : undefined;
    const metadata = isPlainObject(entry.metadata) ? entry.metadata : {};
    return { name: String(entry.name ?? ""), type, axes, datasets, metadata };
  });
}

/** How missing values are reduced, as written into the metadata. */
export const MISSING_RULE =
  "NaN and masked elements are skipped; a bin without a valid element is NaN in mean, min and max";

/** How the last bin is reduced, as written into the metadata. */
export const LAST_BIN_RULE =
  "the last bin of an axis whose length is not a multiple of factor^level is partial and reduces the elements it has (numpy.ufunc.reduceat)";
