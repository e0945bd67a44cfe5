/** Which array store and metadata IO a bundle is written and read with. */

import { parquetMetaIO } from "@tt/meta-parquet";
import type { ArrayStoreBackend, MetaIO } from "@tt/schema";
import { zarrStore } from "@tt/store-zarr";

/** The plugins a bundle is read and written with; Zarr arrays and Parquet tables by default. */
export interface BundlePlugins {
  /** The array store backend. */
  arrayStore?: ArrayStoreBackend;
  /** The metadata table IO. */
  metaIO?: MetaIO;
}

/**
 * `plugins` with the defaults (Zarr arrays, Parquet tables) filled in: the one place that says
 * which plugins a bundle, or a result bundle, is read and written with when none are given.
 *
 * @example
 * ```ts
 * const { arrayStore, metaIO } = resolvePlugins({ metaIO: myCsvMetaIO });
 * ```
 */
export function resolvePlugins(plugins: BundlePlugins = {}): Required<BundlePlugins> {
  return { arrayStore: plugins.arrayStore ?? zarrStore, metaIO: plugins.metaIO ?? parquetMetaIO };
}

/** The bundle-relative paths of the spec's layout. */
export const LAYOUT = {
  manifest: "manifest.json",
  array: "arrays/data.zarr",
  mask: "arrays/masks.zarr",
  coords: (axis: string) => `arrays/coords/${axis}.zarr`,
  /** Stems of the versioned names (schema 0.2.0 on): `arrays/data.v<g>-<token>.zarr`. */
  arrayStem: "arrays/data",
  maskStem: "arrays/masks",
  coordStem: (axis: string) => `arrays/coords/${axis}`,
  meta: (axis: string, extension: string) => `meta/${axis}${extension}`,
  partition: (name: string, extension: string) => `partitions/${name}${extension}`,
} as const;
