/**
 * Adding a field to a bundle: a new array sharing the instance axis, written block by block as
 * a new version of the bundle. Every other file is the previous version's, kept; a crash, an
 * abort or a bad block leaves the previous version.
 */

import {
  AlreadyExistsError,
  ArgumentError,
  type AxisAnnotatedTensor,
  DATASET_KIND,
  DataError,
  type DType,
  fieldNameProblem,
  type IOOptions,
  type Manifest,
  type ManifestField,
  type MetaTable,
  type Progress,
  type ReadableView,
  SCHEMA_VERSION,
  type TensorView,
  type TypedArray,
  type WritableArray,
  type WritableKeyValueStore,
} from "@tt/schema";
import type { VersionedWrite } from "@tt/storage";
import { fieldTables } from "./field-tables.js";
import { keepFiles } from "./keep-files.js";
import { openBundle } from "./open-bundle.js";
import { type BundlePlugins, resolvePlugins } from "./plugins.js";
import { isTensorStream, type StreamBlock, streamFromTensor, type TensorStream } from "./stream.js";
import { type DatasetBase, requireBase, writeNewVersion } from "./version.js";
import { isReadableView, streamFromView } from "./view-stream.js";

/**
 * Options of {@link addFieldToBundle}.
 *
 * @example
 * ```ts
 * const options: AddFieldOptions = { axes: ["instance", "freq", "time"], codec: "zstd" };
 * ```
 */
export interface AddFieldOptions extends BundlePlugins, IOOptions {
  /** The field's axis names, the dataset's first axis first (default: the source's, renamed so). */
  axes?: readonly string[];
  /** Chunk shape of the field's array (the array store's default along the first axis). */
  chunkShape?: readonly number[];
  /** Codec of the field's array (the array store's default). */
  codec?: string;
  /** The id column of each of the field's own axes that has ids (`<axis>_id` by default). */
  axisIndexColumns?: Readonly<Record<string, string>>;
  /** Reports progress as blocks are written. */
  onProgress?: (progress: Progress) => void;
}

/** What a field is added from: a tensor, a stream of blocks along the first axis, or a view. */
export type FieldSource = AxisAnnotatedTensor | TensorStream | ReadableView;

/** Checks the name against the manifest: safe, and not a field the bundle has. */
function checkName(manifest: Manifest, name: string, location: string): void {
  const problem = fieldNameProblem(name, manifest.tensor_name);
  if (problem !== undefined) throw new ArgumentError("addField", "name", problem);
  if (manifest.fields?.[name] !== undefined)
    throw new AlreadyExistsError(
      `fields.${name}`,
      `the dataset in ${location} already has a field '${name}'; pick another name (or update its instances)`,
    );
}

/** The field's axis names: the given ones or the source's, the dataset's first axis first. */
function fieldAxes(manifest: Manifest, source: FieldSource, options: AddFieldOptions): string[] {
  const first = manifest.axes[0]!;
  const given = options.axes;
  if (given === undefined) return [first, ...source.axes.slice(1)];
  if (given.length !== source.axes.length)
    throw new ArgumentError(
      "addField",
      "axes",
      `names ${given.length} axes (${given.join(", ")}), the source has ${source.axes.length}`,
    );
  if (given[0] !== first)
    throw new ArgumentError(
      "addField",
      "axes",
      `must start with '${first}', the dataset's first axis, got '${given[0]}'`,
    );
  if (new Set(given).size !== given.length)
    throw new ArgumentError("addField", "axes", `must be distinct, got ${given.join(", ")}`);
  return [...given];
}

/**
 * The source as a stream of blocks in the dataset's instance order: a view with ids is put in
 * that order by id (an id it lacks is an error naming it); a tensor or a stream keeps its order,
 * and any ids its blocks carry are checked against the dataset's as they come.
 */
function streamOf(source: FieldSource, datasetIds: ArrayLike<unknown> | undefined, rows: number) {
  if (isReadableView(source)) {
    const view = source as Partial<TensorView> & ReadableView;
    const first = view.axes[0]!;
    const ordered =
      view.filter !== undefined && datasetIds !== undefined && view.ids(first) !== undefined
        ? view.filter(first, Array.from(datasetIds) as string[])
        : view;
    return streamFromView(ordered, rows);
  }
  if (isTensorStream(source)) return source;
  return streamFromTensor(source, rows);
}

/** Checks that the ids a block carries are the dataset's at its rows, in order. */
function checkBlockIds(
  block: StreamBlock,
  idColumn: string | undefined,
  datasetIds: ArrayLike<unknown> | undefined,
  start: number,
  where: string,
): void {
  const ids =
    block.ids ??
    (idColumn !== undefined && block.meta?.has(idColumn)
      ? block.meta.column(idColumn).values
      : undefined);
  if (ids === undefined || datasetIds === undefined) return;
  for (let i = 0; i < ids.length; i++) {
    const given = (ids as ArrayLike<unknown>)[i];
    const expected = datasetIds[start + i];
    if (String(given) !== String(expected))
      throw new DataError(
        `${where} row ${i}`,
        `has id ${JSON.stringify(String(given))}, but the dataset's instance ${start + i} is ${JSON.stringify(String(expected))}; a field's rows follow the dataset's instance order`,
      );
  }
}

/** Writes the blocks into the field's array (and mask); the number of instances written. */
async function writeBlocks(
  stream: TensorStream,
  arrays: { array: WritableArray; mask?: WritableArray },
  ids: { column: string | undefined; values: ArrayLike<unknown> | undefined },
  name: string,
  options: AddFieldOptions,
): Promise<number> {
  const slab = stream.shape.slice(1).reduce((n, length) => n * length, 1);
  let written = 0;
  for await (const block of stream.blocks as AsyncIterable<StreamBlock>) {
    options.signal?.throwIfAborted();
    const where = `field '${name}' block at instance ${written}`;
    const rows = slab === 0 ? 0 : block.data.length / slab;
    if (!Number.isInteger(rows) || written + rows > stream.shape[0]!)
      throw new DataError(
        where,
        `has ${block.data.length} elements: not a whole number of slabs of ${slab} within the ${stream.shape[0]} instances`,
      );
    checkBlockIds(block, ids.column, ids.values, written, where);
    await arrays.array.writeBlock(written, block.data as TypedArray, options);
    if (arrays.mask !== undefined)
      await arrays.mask.writeBlock(
        written,
        block.mask ?? new Uint8Array(block.data.length).fill(1),
        options,
      );
    written += rows;
    options.onProgress?.({
      phase: "write",
      fraction: stream.shape[0] ? written / stream.shape[0] : 1,
    });
  }
  if (written !== stream.shape[0])
    throw new DataError(
      `field '${name}'`,
      `the blocks brought ${written} instances, the dataset has ${stream.shape[0]}`,
    );
  return written;
}

/** Writes the field's files into the version and returns the version's manifest. */
async function writeField(
  write: VersionedWrite,
  base: DatasetBase,
  target: { name: string; idValues: ArrayLike<unknown> | undefined },
  source: FieldSource,
  options: AddFieldOptions,
): Promise<Manifest> {
  const { name, idValues } = target;
  const { manifest } = base;
  const { arrayStore, metaIO } = resolvePlugins(options, manifest);
  const axes = fieldAxes(manifest, source, options);
  const instances = manifest.shape[0]!;
  if (source.shape[0] !== instances)
    throw new DataError(
      `field '${name}'`,
      `has ${source.shape[0]} elements on its first axis, but the dataset has ${instances} instances on '${axes[0]}'; a field needs one row per instance`,
    );
  await keepFiles(write, manifest);
  const creation = (dtype: DType, fillValue?: number) => ({
    shape: source.shape,
    dtype,
    dimensionNames: axes,
    chunkShape: options.chunkShape,
    codec: options.codec,
    fillValue,
  });
  const arrayPath = write.path(`arrays/${name}`, ".zarr");
  const array = await arrayStore.create(write.store, arrayPath, creation(source.dtype));
  const first = manifest.axes[0]!;
  const stream = streamOf(source, idValues, array.metadata.chunkShape[0]!);
  const maskPath = write.path(`arrays/${name}.masks`, ".zarr");
  const mask = stream.withMask
    ? await arrayStore.create(write.store, maskPath, creation("bool", 1))
    : undefined;
  const ids = { column: manifest.axis_index_columns[first], values: idValues };
  await writeBlocks(stream, { array, mask }, ids, name, options);
  const own = fieldTables(stream, axes, options.axisIndexColumns);
  const metaFiles: Record<string, string> = {};
  for (const [axis, table] of Object.entries(own.tables) as [string, MetaTable][]) {
    const path = write.path(`meta/${name}.${axis}`, metaIO.extension);
    await write.store.set(path, await metaIO.write(table, { axis }), { signal: options.signal });
    metaFiles[axis] = path;
  }
  const field: ManifestField = {
    axes,
    shape: [...source.shape],
    dtype: source.dtype,
    array_store: arrayPath,
    ...(mask === undefined ? {} : { mask_store: maskPath }),
    ...(Object.keys(own.indexColumns).length > 0 ? { axis_index_columns: own.indexColumns } : {}),
    ...(Object.keys(metaFiles).length > 0 ? { meta_files: metaFiles } : {}),
  };
  const change = { kind: "add_field", field: name, shape: [...source.shape], dtype: source.dtype };
  return {
    ...manifest,
    schema_version: SCHEMA_VERSION,
    kind: DATASET_KIND,
    ...(await write.versionFields(change)),
    fields: { ...(manifest.fields ?? {}), [name]: field },
  };
}

/**
 * Adds field `name` to the bundle in `store` as its next version: `source` (a tensor, a stream
 * of blocks along the first axis, or a view such as another bundle's field) is written block by
 * block to `arrays/<name>.v<g>-<token>.zarr`, its own axes' metadata to `meta/<name>.<axis>...`,
 * and every other file of the bundle is kept as it is. Its first dimension must be the dataset's
 * instance count (a DataError otherwise); rows follow the dataset's instance order (a view with
 * ids is put in that order; ids a stream's blocks carry are checked). A name that is not a safe
 * identifier is an ArgumentError, one the bundle has an AlreadyExistsError; a failure at any point
 * leaves the previous version.
 *
 * @example
 * ```ts
 * await addFieldToBundle(store, "spectrogram", spectrogramTensor, {
 *   axes: ["instance", "freq", "time"],
 * });
 * const spectrogram = createDataset(await openBundle(store)).field("spectrogram");
 * ```
 */
export async function addFieldToBundle(
  store: WritableKeyValueStore,
  name: string,
  source: FieldSource,
  options: AddFieldOptions = {},
): Promise<Manifest> {
  const base = await requireBase(store, options.signal);
  checkName(base.manifest, name, store.location);
  const dataset = await openBundle(store, { ...options, signal: options.signal });
  const idValues = dataset.ids(base.manifest.axes[0]!) as ArrayLike<unknown> | undefined;
  return writeNewVersion(store, { overwrite: true, signal: options.signal, base }, (write) =>
    writeField(write, base, { name, idValues }, source, options),
  );
}
