/** Keeping the files of the version a write builds on. */

import type { Manifest } from "@tt/schema";
import type { VersionedWrite } from "@tt/storage";
import { manifestIdIndex } from "./id-index-write.js";

/** Every file (or array folder) of the manifest's fields beside `data`: arrays, masks, tables. */
export function fieldFiles(manifest: Manifest, only?: string): string[] {
  return Object.entries(manifest.fields ?? {})
    .filter(([name]) => only === undefined || name === only)
    .flatMap(([, field]) => [
      field.array_store,
      ...(field.mask_store === undefined ? [] : [field.mask_store]),
      ...Object.values(field.meta_files ?? {}),
    ]);
}

/** Every file (or array folder) the manifest names: arrays, tables, partitions, pyramids, fields. */
export function manifestFiles(manifest: Manifest): string[] {
  return [
    ...fieldFiles(manifest),
    manifest.array_store,
    ...(manifest.mask_store === undefined ? [] : [manifest.mask_store]),
    ...Object.values(manifest.coord_stores ?? {}),
    ...Object.values(manifest.meta_files),
    ...Object.values(manifest.partitions ?? {}),
    ...(manifest.pyramids ?? []).map((pyramid) => pyramid.path),
    ...Object.values(manifestIdIndex(manifest) ?? {}),
  ];
}

/** Keeps, unwritten, every file of the base version's `manifest` in the new one but `except`. */
export async function keepFiles(
  write: VersionedWrite,
  manifest: Manifest,
  except: readonly string[] = [],
): Promise<void> {
  for (const path of manifestFiles(manifest)) if (!except.includes(path)) await write.keep(path);
}
