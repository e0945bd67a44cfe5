/** Opening the fields a manifest lists beside `data`, each checked against its entry. */

import {
  checkArrayAgainstManifest,
  DEFAULT_FIELD,
  type KeyValueStore,
  type Manifest,
  type ManifestField,
} from "@tt/schema";
import type { OpenedField } from "./field-dataset.js";
import { indexIds, openArray, readTables } from "./open-parts.js";
import type { ResolvedPlugins } from "./plugins.js";

/**
 * The manifest as field `name` would have it if it were the bundle's only array: its axes, shape,
 * dtype, stores and own axis tables, everything else the bundle's. Checks and readers that take
 * a manifest read a field through it.
 */
export function fieldManifest(manifest: Manifest, name: string): Manifest {
  if (name === DEFAULT_FIELD) return manifest;
  const field = manifest.fields![name]!;
  const { mask_store: _mask, fields: _fields, pyramids: _pyramids, ...rest } = manifest;
  return {
    ...rest,
    tensor_name: name,
    axes: [...field.axes],
    shape: [...field.shape],
    dtype: field.dtype,
    array_store: field.array_store,
    ...(field.mask_store === undefined ? {} : { mask_store: field.mask_store }),
    axis_index_columns: { ...(field.axis_index_columns ?? {}) },
    meta_files: { ...(field.meta_files ?? {}) },
  };
}

/** Opens one listed field: its arrays, checked against its entry, and its own axis tables. */
async function openField(
  files: KeyValueStore,
  manifest: Manifest,
  name: string,
  data: OpenedField,
  plugins: ResolvedPlugins,
  signal: AbortSignal | undefined,
): Promise<OpenedField> {
  const own = fieldManifest(manifest, name);
  const open = async (key: "array_store" | "mask_store", dtype: string) => {
    const path = own[key] as string;
    const array = await openArray(
      () => plugins.arrayStore.open(files, path, { signal }),
      path,
      files.location,
    );
    checkArrayAgainstManifest(array, own, key, dtype);
    return array;
  };
  const array = await open("array_store", own.dtype);
  const maskArray = own.mask_store === undefined ? undefined : await open("mask_store", "bool");
  const tables = await readTables(files, own, plugins.metaIO, signal);
  const idIndexes = indexIds(own, tables);
  const first = manifest.axes[0]!;
  tables.set(first, data.tables.get(first)!);
  const instanceIndex = data.idIndexes.get(first);
  if (instanceIndex !== undefined) idIndexes.set(first, instanceIndex);
  const instanceColumn = manifest.axis_index_columns[first];
  return {
    name,
    axes: own.axes,
    shape: own.shape,
    dtype: own.dtype,
    axisIndexColumns: {
      ...(instanceColumn === undefined ? {} : { [first]: instanceColumn }),
      ...own.axis_index_columns,
    },
    array,
    maskArray,
    tables,
    idIndexes,
  };
}

/** Every field of the bundle by name, `data` first, the listed ones opened and checked. */
export async function openFields(
  files: KeyValueStore,
  manifest: Manifest,
  data: OpenedField,
  plugins: ResolvedPlugins,
  signal: AbortSignal | undefined,
): Promise<Map<string, OpenedField>> {
  const fields = new Map<string, OpenedField>([[DEFAULT_FIELD, data]]);
  for (const name of Object.keys(manifest.fields ?? {}))
    fields.set(name, await openField(files, manifest, name, data, plugins, signal));
  return fields;
}

/** The names of the bundle's fields, `data` first. */
export function fieldNames(manifest: Manifest): string[] {
  return [DEFAULT_FIELD, ...Object.keys(manifest.fields ?? {})];
}

/** The entry of field `name` in the manifest, undefined for `data` or an unknown name. */
export function fieldEntry(manifest: Manifest, name: string): ManifestField | undefined {
  return manifest.fields?.[name];
}
