/** Which array store and metadata IO a bundle is written and read with. */

import { parquetMetaIO } from "@tt/meta-parquet";
import {
  type ArrayStoreBackend,
  ConfigError,
  type JsonObject,
  type Manifest,
  type MetaIO,
  type Registry,
} from "@tt/schema";
import { zarrStore } from "@tt/store-zarr";

/** The plugins a bundle is read and written with; Zarr arrays and Parquet tables by default. */
export interface BundlePlugins {
  /** The array store backend. */
  arrayStore?: ArrayStoreBackend;
  /** The metadata table IO. */
  metaIO?: MetaIO;
  /**
   * Where the plugins a bundle records in its manifest (`plugins`) are looked up when they are
   * not the ones given or the defaults, e.g. a bundle whose arrays a third-party store wrote.
   */
  registry?: Registry;
}

/** The resolved plugins of a bundle. */
export interface ResolvedPlugins {
  arrayStore: ArrayStoreBackend;
  metaIO: MetaIO;
}

/** The plugin of one kind: the one given, else the one the manifest records, else the default. */
function pick<P extends ArrayStoreBackend | MetaIO>(
  kind: "array-store" | "meta-io",
  option: "arrayStore" | "metaIO",
  given: P | undefined,
  recorded: string | undefined,
  fallback: P,
  registry: Registry | undefined,
): P {
  if (recorded === undefined || recorded === (given ?? fallback).id) return given ?? fallback;
  const noun = kind === "array-store" ? "array store" : "metadata IO";
  if (given !== undefined)
    throw new ConfigError(
      option,
      `is the '${given.id}' ${noun}, but the bundle was written with '${recorded}'; pass that one (or a registry that has it)`,
    );
  if (registry?.ids(kind).includes(recorded))
    return (
      kind === "array-store" ? registry.arrayStore(recorded) : registry.metaIO(recorded)
    ) as P;
  throw new ConfigError(
    option,
    `the bundle was written with the '${recorded}' ${noun}, which is not '${fallback.id}': pass it as ${option}, or a registry that has it`,
  );
}

/** `arrayStore` set up by the options the manifest records for it (`array_store_options`). */
function configured(arrayStore: ArrayStoreBackend, options: JsonObject | undefined) {
  if (options === undefined) return arrayStore;
  if (arrayStore.configure === undefined)
    throw new ConfigError(
      "plugins.array_store_options",
      `the bundle records settings for its array store, but the '${arrayStore.id}' array store takes none (it has no configure)`,
    );
  return arrayStore.configure(options);
}

/**
 * The plugins to read and write a bundle with: the ones given, else those its manifest records
 * (`plugins`, looked up in `plugins.registry`), else the defaults (Zarr arrays, Parquet tables),
 * the array store set up by the settings the manifest records for it (`array_store_options`):
 * the one place that says which plugins a bundle, or a result bundle, is read and written with.
 * A plugin given that is not the one the manifest records is a ConfigError.
 *
 * @example
 * ```ts
 * const { arrayStore, metaIO } = resolvePlugins({ metaIO: myCsvMetaIO });
 * ```
 */
export function resolvePlugins(
  plugins: BundlePlugins = {},
  manifest?: Pick<Manifest, "plugins">,
): ResolvedPlugins {
  const recorded = manifest?.plugins ?? {};
  const arrayStore = pick(
    "array-store",
    "arrayStore",
    plugins.arrayStore,
    recorded.array_store,
    zarrStore,
    plugins.registry,
  );
  return {
    arrayStore: configured(arrayStore, recorded.array_store_options),
    metaIO: pick(
      "meta-io",
      "metaIO",
      plugins.metaIO,
      recorded.meta_io,
      parquetMetaIO,
      plugins.registry,
    ),
  };
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
