/**
 * Writes a dataset bundle as one version of the write protocol: arrays block by block, the
 * coordinate arrays, the metadata and partition tables, each under a name of this version, then
 * the manifest with the inventory of every file, committed by one swap.
 */

import {
  type ArrayStoreBackend,
  type AxisAnnotatedTensor,
  allocate,
  type CoordinateValues,
  createTensor,
  DATASET_KIND,
  DataError,
  type DType,
  type IOOptions,
  isPlainObject,
  type JsonObject,
  type Manifest,
  type MetaIO,
  MetaTable,
  type Progress,
  type ReadableView,
  SCHEMA_VERSION,
  sizeOf,
  type TypedArray,
  type WritableArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import type { VersionedWrite } from "@tt/storage";
import { writeIdIndex } from "./id-index-write.js";
import { buildIdIndex } from "./ids.js";
import { type BundlePlugins, LAYOUT, resolvePlugins } from "./plugins.js";
import {
  columnFromIndex,
  isTensorStream,
  type StreamBlock,
  streamFromTensor,
  type TensorStream,
} from "./stream.js";
import { writeNewVersion } from "./version.js";
import { isReadableView, streamFromView, viewOrigin } from "./view-stream.js";

/** Options of writing a bundle. */
export interface WriteBundleOptions extends BundlePlugins, IOOptions {
  /** The tensor's name in the manifest; `"data"` by default. */
  tensorName?: string;
  /** The id column of each axis; `<axis>_id` for every axis that has ids by default. */
  axisIndexColumns?: Readonly<Record<string, string>>;
  /** Chunk shape of the arrays (the store's default: slabs along the first axis). */
  chunkShape?: readonly number[];
  /** Codec of the arrays (the store's default). */
  codec?: string;
  /** Global attributes, merged over the tensor's own. */
  attrs?: JsonObject;
  /** Reports progress as blocks are written. */
  onProgress?: (progress: Progress) => void;
  /**
   * Partition tables by name (`files`, `groups`), written to `partitions/<name>.*` (the metadata
   * IO's extension) and declared in the manifest's `partitions`. Names are letters, digits, `_`
   * and `-`.
   */
  partitions?: Readonly<Record<string, MetaTable>>;
  /**
   * Replace the bundle the store holds: the write becomes its next version (readers of the
   * current one keep reading it until they reopen). Without it, a store that holds a bundle is
   * an AlreadyExistsError.
   */
  overwrite?: boolean;
}

const PARTITION_NAME = /^[A-Za-z0-9_-]+$/;

/** What the block loop brings: the first axis's metadata and ids, and the mask if any. */
export interface WrittenData {
  firstMeta: MetaTable;
  firstIds: unknown[] | undefined;
}

/** The id column name of `axis`. */
function idColumnName(options: WriteBundleOptions, axis: string): string {
  return options.axisIndexColumns?.[axis] ?? `${axis}_id`;
}

/** Adds the ids (if given) as the id column of `table`; checks the ids are unique and present. */
function withIds(
  table: MetaTable,
  ids: Parameters<typeof columnFromIndex>[0] | undefined,
  column: string,
  axis: string,
) {
  if (ids === undefined) return table;
  if (table.has(column)) {
    throw new DataError(
      `axis '${axis}'`,
      `ids were given both as an index array and as the metadata column '${column}'`,
    );
  }
  const idColumn = columnFromIndex(ids, `axis '${axis}' ids`);
  return MetaTable.fromColumns(
    [[column, idColumn], ...table.columnNames.map((n) => [n, table.column(n)] as const)],
    table.numRows,
  );
}

export function checkStream(stream: TensorStream): void {
  const first = stream.axes[0]!;
  const { [first]: firstMeta, ...otherMeta } = stream.axisMeta ?? {};
  createTensor({
    data: allocate(stream.dtype, 0),
    shape: stream.shape.map((n, i) => (i === 0 ? 0 : n)),
    axes: stream.axes,
    axisIndex: stream.axisIndex,
    axisMeta: otherMeta,
    attrs: stream.attrs,
  });
  if (stream.axisIndex?.[first] !== undefined) {
    throw new DataError(`axis '${first}'`, "ids of the first axis come with the blocks");
  }
  if (firstMeta !== undefined && firstMeta.numRows !== stream.shape[0]) {
    throw new DataError(
      `axis '${first}'`,
      `the stream's metadata of the first axis has ${firstMeta.numRows} rows, the shape says ${stream.shape[0]}`,
    );
  }
}

/** Checks one block against the stream before anything of it is written. */
function checkBlock(
  block: StreamBlock,
  input: TensorStream,
  written: number,
  wholeMeta: MetaTable | undefined,
): number {
  const first = input.axes[0]!;
  const slab = sizeOf(input.shape.slice(1));
  const rows = slab === 0 ? 0 : block.data.length / slab;
  const where = `block at ${first} ${written}`;
  if (!Number.isInteger(rows))
    throw new DataError(
      where,
      `has ${block.data.length} elements, not a whole number of slabs of ${slab}`,
    );
  if (written + rows > input.shape[0]!)
    throw new DataError(
      where,
      `brings ${written + rows} slabs in all, the shape says ${input.shape[0]}`,
    );
  if (wholeMeta !== undefined && (block.meta !== undefined || block.ids !== undefined))
    throw new DataError(
      where,
      `carries metadata or ids, but the stream gave the metadata of axis '${first}' whole`,
    );
  if (block.meta !== undefined && block.meta.numRows !== rows)
    throw new DataError(where, `has ${block.meta.numRows} metadata rows for ${rows} slabs`);
  if (block.ids !== undefined && block.ids.length !== rows)
    throw new DataError(where, `has ${block.ids.length} ids for ${rows} slabs`);
  if (input.withMask && (block.mask === undefined || block.mask.length !== block.data.length))
    throw new DataError(where, "the stream has a mask, so every block needs a mask of its size");
  return rows;
}

/** Writes the blocks of `input` into the version's data array (and mask). */
async function writeData(
  array: WritableArray,
  mask: WritableArray | undefined,
  input: TensorStream,
  options: WriteBundleOptions,
): Promise<WrittenData> {
  const { signal } = options;
  const wholeMeta = input.axisMeta?.[input.axes[0]!];
  const metas: MetaTable[] = [];
  const ids: unknown[] = [];
  let written = 0;
  for await (const block of input.blocks as AsyncIterable<StreamBlock>) {
    signal?.throwIfAborted();
    const rows = checkBlock(block, input, written, wholeMeta);
    await array.writeBlock(written, block.data as TypedArray, { signal });
    if (mask !== undefined) await mask.writeBlock(written, block.mask!, { signal });
    if (wholeMeta === undefined) metas.push(block.meta ?? MetaTable.empty(rows));
    // One at a time: spreading a block of a few hundred thousand ids overflows the call stack.
    if (block.ids !== undefined) for (const id of block.ids as Iterable<unknown>) ids.push(id);
    written += rows;
    options.onProgress?.({
      phase: "write",
      fraction: input.shape[0] ? written / input.shape[0] : 1,
    });
  }
  const first = input.axes[0]!;
  if (written !== input.shape[0])
    throw new DataError(
      `axis '${first}'`,
      `the blocks brought ${written} slabs, the shape says ${input.shape[0]}`,
    );
  if (ids.length !== 0 && ids.length !== written)
    throw new DataError(`axis '${first}'`, "some blocks have ids and some do not");
  return {
    firstMeta: wholeMeta ?? MetaTable.concat(metas),
    firstIds: ids.length > 0 ? ids : undefined,
  };
}

/** The metadata table of every axis with its id column, and which columns hold ids. */
export function axisTables(
  input: TensorStream,
  data: WrittenData,
  options: WriteBundleOptions,
  extension: string,
): { tables: Record<string, MetaTable>; indexColumns: Record<string, string> } {
  const tables: Record<string, MetaTable> = {};
  const indexColumns: Record<string, string> = {};
  for (const [position, axis] of input.axes.entries()) {
    const column = idColumnName(options, axis);
    const ids = position === 0 ? data.firstIds : input.axisIndex?.[axis];
    const base =
      position === 0
        ? data.firstMeta
        : (input.axisMeta?.[axis] ?? MetaTable.empty(input.shape[position]));
    const table = withIds(base, ids as Parameters<typeof withIds>[1], column, axis);
    if (table.has(column)) {
      buildIdIndex(
        table.column(column),
        `${LAYOUT.meta(axis, extension)} column '${column}'`,
        position > 0,
      );
      indexColumns[axis] = column;
    } else if (position === 0) {
      throw new DataError(
        `axis '${axis}'`,
        `needs unique ids: pass axisIndex.${axis}, or a metadata column '${column}' (or name another in axisIndexColumns.${axis})`,
      );
    }
    if (table.columnNames.length > 0) tables[axis] = table;
  }
  return { tables, indexColumns };
}

/**
 * Writes the ids of every axis that has them as coordinate arrays, when the array store can; the
 * manifest's `coord_stores`, or undefined.
 */
export async function writeCoordinateArrays(
  store: WritableKeyValueStore,
  arrayStore: ArrayStoreBackend,
  tables: Readonly<Record<string, MetaTable>>,
  indexColumns: Readonly<Record<string, string>>,
  options: IOOptions,
  paths: (axis: string) => string,
): Promise<Record<string, string> | undefined> {
  if (arrayStore.writeCoordinates === undefined) return undefined;
  const coordStores: Record<string, string> = {};
  for (const [axis, column] of Object.entries(indexColumns)) {
    const path = paths(axis);
    const values = tables[axis]!.column(column).values as CoordinateValues;
    await arrayStore.writeCoordinates(store, path, axis, values, { signal: options.signal });
    coordStores[axis] = path;
  }
  return coordStores;
}

/** Writes each table to a file of this version; the paths by name. */
export async function writeTables(
  write: VersionedWrite,
  tables: Readonly<Record<string, MetaTable>>,
  metaIO: MetaIO,
  stem: (name: string) => string,
  options: IOOptions & { axis?: boolean } = {},
): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const [name, table] of Object.entries(tables)) {
    const path = write.path(stem(name), metaIO.extension);
    const bytes = await metaIO.write(table, options.axis ? { axis: name } : {});
    await write.store.set(path, bytes, { signal: options.signal });
    paths[name] = path;
  }
  return paths;
}

function checkPartitionNames(partitions: Readonly<Record<string, MetaTable>>): void {
  for (const name of Object.keys(partitions))
    if (!PARTITION_NAME.test(name))
      throw new DataError(
        `partitions.${name}`,
        "a partition name must be letters, digits, '_' or '-', such as 'files'",
      );
}

/**
 * What kind of source is written: a view (whose id columns become the defaults and whose origin
 * is recorded), a stream of blocks (checked) or a tensor in memory.
 */
async function classifySource(
  source: AxisAnnotatedTensor | TensorStream | ReadableView,
  options: WriteBundleOptions,
) {
  const view = isReadableView(source) ? source : undefined;
  const origin = view === undefined ? undefined : await viewOrigin(view);
  const merged: WriteBundleOptions =
    view === undefined
      ? options
      : { ...options, axisIndexColumns: { ...view.axisIndexColumns, ...options.axisIndexColumns } };
  const input =
    view === undefined && isTensorStream(source as AxisAnnotatedTensor | TensorStream)
      ? (source as TensorStream)
      : undefined;
  if (input) checkStream(input);
  return { view, origin, input, options: merged };
}

/** Writes every file of the version and returns its manifest (not yet committed). */
async function writeVersion(
  write: VersionedWrite,
  source: AxisAnnotatedTensor | TensorStream | ReadableView,
  given: WriteBundleOptions,
): Promise<Manifest> {
  const { arrayStore, metaIO } = resolvePlugins(given);
  const { view, origin, input, options } = await classifySource(source, given);
  checkPartitionNames(options.partitions ?? {});
  const creation = (dtype: DType, fillValue?: number) => ({
    shape: source.shape,
    dtype,
    dimensionNames: source.axes,
    chunkShape: options.chunkShape,
    codec: options.codec,
    fillValue,
  });
  const arrayPath = write.path(LAYOUT.arrayStem, ".zarr");
  const array = await arrayStore.create(write.store, arrayPath, creation(source.dtype));
  const chunkRows = array.metadata.chunkShape[0]!;
  const stream =
    input ??
    (view
      ? streamFromView(view, chunkRows)
      : streamFromTensor(source as AxisAnnotatedTensor, chunkRows));
  const maskPath = write.path(LAYOUT.maskStem, ".zarr");
  const mask = stream.withMask
    ? await arrayStore.create(write.store, maskPath, creation("bool", 1))
    : undefined;
  const data = await writeData(array, mask, stream, options);
  const { tables, indexColumns } = axisTables(stream, data, options, metaIO.extension);
  const coordStores = await writeCoordinateArrays(
    write.store,
    arrayStore,
    tables,
    indexColumns,
    options,
    (axis) => write.path(LAYOUT.coordStem(axis), ".zarr"),
  );
  const metaFiles = await writeTables(write, tables, metaIO, (axis) => `meta/${axis}`, {
    ...options,
    axis: true,
  });
  const first = source.axes[0]!;
  const idIndex = await writeIdIndex(write, first, tables[first]!, indexColumns[first]!, options);
  const partitions = await writeTables(
    write,
    options.partitions ?? {},
    metaIO,
    (name) => `partitions/${name}`,
    options,
  );
  const attrs = { ...(stream.attrs ?? {}), ...(options.attrs ?? {}) };
  if (!isPlainObject(attrs)) throw new DataError("attrs", "must be a JSON object");
  return {
    schema_version: SCHEMA_VERSION,
    kind: DATASET_KIND,
    ...(await write.versionFields({ kind: "write" })),
    tensor_name: options.tensorName ?? "data",
    shape: [...source.shape],
    dtype: source.dtype,
    axes: [...source.axes],
    axis_index_columns: indexColumns,
    meta_files: metaFiles,
    array_store: arrayPath,
    ...(mask ? { mask_store: maskPath } : {}),
    ...(coordStores ? { coord_stores: coordStores } : {}),
    id_index: idIndex,
    plugins: { array_store: arrayStore.id, meta_io: metaIO.id },
    ...(Object.keys(partitions).length > 0 ? { partitions } : {}),
    ...(origin ? { derived_from: origin } : {}),
    attrs,
  };
}

/**
 * Writes `source` (a tensor, a stream of blocks along the first axis, or any view: a query of a
 * bundle, a joined view) as a bundle into `store`: a new bundle, or with `overwrite` the next version of the one there. Every file gets
 * a name of this version, and the manifest (with the inventory of every file) is committed last
 * by one swap, so readers see the old version or the new one, never a mix; a failed write leaves
 * the store as it was. The first axis needs unique, non-null ids: as `axisIndex`, or as its id
 * column. For a directory, use `writeDataset` from `@tt/bundle/fs`.
 *
 * @example
 * ```ts
 * const manifest = await writeBundle(createMemoryStore(), tensor);
 * manifest.version; // 1
 * ```
 */
export async function writeBundle(
  store: WritableKeyValueStore,
  source: AxisAnnotatedTensor | TensorStream | ReadableView,
  options: WriteBundleOptions = {},
): Promise<Manifest> {
  return writeNewVersion(store, options, (write) => writeVersion(write, source, options));
}
