/** Writes a dataset bundle: arrays block by block, then metadata tables, then the manifest. */

import {
  type ArrayStoreBackend,
  type AxisAnnotatedTensor,
  allocate,
  type CoordinateValues,
  createTensor,
  DataError,
  type IOOptions,
  isPlainObject,
  type JsonObject,
  type Manifest,
  MetaTable,
  type Progress,
  SCHEMA_VERSION,
  sizeOf,
  type TypedArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import { buildIdIndex } from "./ids.js";
import { type BundlePlugins, LAYOUT, resolvePlugins } from "./plugins.js";
import {
  columnFromIndex,
  isTensorStream,
  type StreamBlock,
  streamFromTensor,
  type TensorStream,
} from "./stream.js";

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
   * Partition tables by name (`files`, `groups`), written to `partitions/<name>.parquet` (the
   * metadata IO's extension) and declared in the manifest's `partitions`. Names are letters,
   * digits, `_` and `-`.
   */
  partitions?: Readonly<Record<string, MetaTable>>;
}

const PARTITION_NAME = /^[A-Za-z0-9_-]+$/;

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

function checkStream(stream: TensorStream): void {
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
  paths: (axis: string) => string = LAYOUT.coords,
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

/**
 * Writes `source` (a tensor, or a stream of blocks along the first axis) as a bundle into
 * `store`, which must be empty. The manifest is written last, so a store without one holds no
 * bundle. The first axis needs unique, non-null ids: as `axisIndex`, or as its id column.
 *
 * For an atomic write to a directory, use `writeDataset` from `@tt/bundle/fs`.
 */
export async function writeBundle(
  store: WritableKeyValueStore,
  source: AxisAnnotatedTensor | TensorStream,
  options: WriteBundleOptions = {},
): Promise<Manifest> {
  const { arrayStore, metaIO } = resolvePlugins(options);
  const { signal } = options;
  if ((await store.get(LAYOUT.manifest, { signal })) !== undefined) {
    throw new DataError(store.location, "already holds a bundle; write into an empty store");
  }
  const stream = isTensorStream(source) ? source : undefined;
  const tensor = isTensorStream(source) ? undefined : source;
  const axes = source.axes;
  const first = axes[0]!;
  const shape = [...source.shape];
  const slab = sizeOf(shape.slice(1));
  const creation = {
    shape,
    dtype: source.dtype,
    dimensionNames: axes,
    chunkShape: options.chunkShape,
    codec: options.codec,
  };
  const array = await arrayStore.create(store, LAYOUT.array, creation);
  const chunkRows = array.metadata.chunkShape[0]!;
  const input = stream ?? streamFromTensor(tensor!, chunkRows);
  if (stream) checkStream(stream);
  const mask = input.withMask
    ? await arrayStore.create(store, LAYOUT.mask, { ...creation, dtype: "bool", fillValue: 1 })
    : undefined;

  // The first axis's metadata: given whole by the stream, or collected from the blocks.
  const wholeMeta = stream?.axisMeta?.[first];
  const metas: MetaTable[] = [];
  const idParts: unknown[] = [];
  let written = 0;
  for await (const block of input.blocks as AsyncIterable<StreamBlock>) {
    signal?.throwIfAborted();
    const rows = slab === 0 ? 0 : block.data.length / slab;
    const where = `block at ${first} ${written}`;
    if (!Number.isInteger(rows))
      throw new DataError(
        where,
        `has ${block.data.length} elements, not a whole number of slabs of ${slab}`,
      );
    if (written + rows > shape[0]!)
      throw new DataError(
        where,
        `brings ${written + rows} slabs in all, the shape says ${shape[0]}`,
      );
    if (wholeMeta !== undefined && (block.meta !== undefined || block.ids !== undefined)) {
      throw new DataError(
        where,
        `carries metadata or ids, but the stream gave the metadata of axis '${first}' whole`,
      );
    }
    if (block.meta !== undefined && block.meta.numRows !== rows) {
      throw new DataError(where, `has ${block.meta.numRows} metadata rows for ${rows} slabs`);
    }
    if (block.ids !== undefined && block.ids.length !== rows)
      throw new DataError(where, `has ${block.ids.length} ids for ${rows} slabs`);
    await array.writeBlock(written, block.data as TypedArray, { signal });
    if (mask !== undefined) {
      if (block.mask === undefined || block.mask.length !== block.data.length) {
        throw new DataError(
          where,
          "the stream has a mask, so every block needs a mask of its size",
        );
      }
      await mask.writeBlock(written, block.mask, { signal });
    }
    if (wholeMeta === undefined) metas.push(block.meta ?? MetaTable.empty(rows));
    if (block.ids !== undefined) idParts.push(...Array.from(block.ids as ArrayLike<unknown>));
    written += rows;
    options.onProgress?.({ phase: "write", fraction: shape[0] ? written / shape[0] : 1 });
  }
  if (written !== shape[0])
    throw new DataError(
      `axis '${first}'`,
      `the blocks brought ${written} slabs, the shape says ${shape[0]}`,
    );
  if (idParts.length !== 0 && idParts.length !== written) {
    throw new DataError(`axis '${first}'`, "some blocks have ids and some do not");
  }

  const tables: Record<string, MetaTable> = {};
  const indexColumns: Record<string, string> = {};
  for (const [position, axis] of axes.entries()) {
    const column = idColumnName(options, axis);
    const ids =
      position === 0
        ? idParts.length
          ? (idParts as string[])
          : undefined
        : input.axisIndex?.[axis];
    const base =
      position === 0
        ? (wholeMeta ?? MetaTable.concat(metas))
        : (input.axisMeta?.[axis] ?? MetaTable.empty(shape[position]));
    const table = withIds(base, ids, column, axis);
    if (table.has(column)) {
      buildIdIndex(
        table.column(column),
        `${LAYOUT.meta(axis, metaIO.extension)} column '${column}'`,
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
  const coordStores = await writeCoordinateArrays(store, arrayStore, tables, indexColumns, options);
  const metaFiles: Record<string, string> = {};
  for (const [axis, table] of Object.entries(tables)) {
    const path = LAYOUT.meta(axis, metaIO.extension);
    await store.set(path, await metaIO.write(table, { axis }), { signal });
    metaFiles[axis] = path;
  }
  const partitions: Record<string, string> = {};
  for (const [name, table] of Object.entries(options.partitions ?? {})) {
    if (!PARTITION_NAME.test(name)) {
      throw new DataError(
        `partitions.${name}`,
        "a partition name must be letters, digits, '_' or '-', such as 'files'",
      );
    }
    const path = LAYOUT.partition(name, metaIO.extension);
    await store.set(path, await metaIO.write(table), { signal });
    partitions[name] = path;
  }
  const attrs = { ...(input.attrs ?? {}), ...(options.attrs ?? {}) };
  if (!isPlainObject(attrs)) throw new DataError("attrs", "must be a JSON object");
  const manifest: Manifest = {
    schema_version: SCHEMA_VERSION,
    tensor_name: options.tensorName ?? "data",
    shape,
    dtype: source.dtype,
    axes: [...axes],
    axis_index_columns: indexColumns,
    meta_files: metaFiles,
    array_store: LAYOUT.array,
    ...(mask ? { mask_store: LAYOUT.mask } : {}),
    ...(coordStores ? { coord_stores: coordStores } : {}),
    ...(Object.keys(partitions).length > 0 ? { partitions } : {}),
    attrs,
  };
  await store.set(
    LAYOUT.manifest,
    new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
    { signal },
  );
  return manifest;
}
