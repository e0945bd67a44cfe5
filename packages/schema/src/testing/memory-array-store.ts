/** The reference array store: whole arrays as bytes in a key-value store, read by `gather`. */

import {
  allocate,
  assertDType,
  bytesPerElement,
  type DType,
  isBigIntDType,
  type TypedArray,
  typedArrayConstructor,
} from "../dtype.js";
import {
  AlreadyExistsError,
  ArgumentError,
  DataError,
  InvalidSelectionError,
  NotFoundError,
} from "../errors.js";
import type { KeyValueStore, WritableKeyValueStore } from "../key-value-store.js";
import type {
  ArrayCreateOptions,
  ArrayMetadata,
  ArrayStoreBackend,
  IOOptions,
  StoredArray,
  WritableArray,
} from "../plugins.js";
import { type AxisSelection, gather } from "../selection.js";
import { isLength, sizeOf } from "../shape.js";

const META = "tt-array.json";
const DATA = "data.bin";
const COORDS = "coords.json";

interface StoredMeta {
  shape: number[];
  dtype: DType;
  dimensionNames: string[];
  chunkShape: number[];
  codec: string;
  fillValue: number | string | null;
}

function toMetadata(meta: StoredMeta): ArrayMetadata {
  const fillValue = typeof meta.fillValue === "string" ? BigInt(meta.fillValue) : meta.fillValue;
  return Object.freeze({ ...meta, fillValue });
}

async function readMeta(
  store: KeyValueStore,
  path: string,
  options: IOOptions,
): Promise<StoredMeta> {
  const bytes = await store.get(`${path}/${META}`, options);
  if (bytes === undefined) {
    throw new NotFoundError(path, `no array at '${path}' in ${store.location}`);
  }
  return JSON.parse(new TextDecoder().decode(bytes)) as StoredMeta;
}

/** Stores the whole array and its metadata under `path`. */
async function save(
  store: WritableKeyValueStore,
  path: string,
  meta: StoredMeta,
  data: TypedArray,
  options: IOOptions = {},
): Promise<void> {
  await store.set(
    `${path}/${DATA}`,
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    options,
  );
  await store.set(`${path}/${META}`, new TextEncoder().encode(JSON.stringify(meta)), options);
}

/** `readInto` of the reference store: gathers the selection and copies it into `target`. */
async function readGatheredInto(
  path: string,
  meta: StoredMeta,
  data: TypedArray,
  selection: readonly AxisSelection[],
  target: TypedArray,
  offset: number,
  options: IOOptions,
): Promise<void> {
  options.signal?.throwIfAborted();
  if (!(target instanceof typedArrayConstructor(meta.dtype)))
    throw new ArgumentError(
      "readInto",
      "target",
      `${path}: target is a ${target.constructor.name}, the array holds ${meta.dtype}`,
    );
  const values = gather(data, meta.shape, selection);
  if (!Number.isInteger(offset) || offset < 0 || offset + values.length > target.length)
    throw new ArgumentError(
      "readInto",
      "offset",
      `${path}: ${values.length} elements at ${offset} do not fit a target of ${target.length}`,
    );
  (target as { set(a: ArrayLike<unknown>, offset: number): void }).set(
    values as ArrayLike<unknown>,
    offset,
  );
}

function makeArray(
  store: KeyValueStore,
  path: string,
  meta: StoredMeta,
  data: TypedArray,
): WritableArray {
  const slab = () => sizeOf(meta.shape.slice(1));
  const persist = (options: IOOptions) =>
    save(store as WritableKeyValueStore, path, meta, data, options);
  const checkBlock = (block: TypedArray) => {
    if (!(block instanceof typedArrayConstructor(meta.dtype))) {
      throw new DataError(
        path,
        `block is a ${block.constructor.name}, array dtype is ${meta.dtype}`,
      );
    }
    if (slab() === 0 ? block.length !== 0 : block.length % slab() !== 0) {
      throw new DataError(
        path,
        `block of ${block.length} elements is not a whole number of slabs of ${slab()}`,
      );
    }
  };
  const array: WritableArray = {
    get metadata() {
      return toMetadata(meta);
    },
    async read(selection, options = {}) {
      options.signal?.throwIfAborted();
      return gather(data, meta.shape, selection);
    },
    readInto: (selection, target, offset, options = {}) =>
      readGatheredInto(path, meta, data, selection, target, offset, options),
    async writeBlock(start, block, options = {}) {
      options.signal?.throwIfAborted();
      checkBlock(block);
      const rows = slab() === 0 ? 0 : block.length / slab();
      if (!Number.isInteger(start) || start < 0 || start + rows > meta.shape[0]!) {
        throw new InvalidSelectionError(
          meta.dimensionNames[0] ?? "#0",
          `block of ${rows} slabs at ${start} does not fit the axis length ${meta.shape[0]}`,
        );
      }
      (data as { set(a: ArrayLike<unknown>, offset: number): void }).set(
        block as ArrayLike<unknown>,
        start * slab(),
      );
      await persist(options);
    },
    async append(block, options = {}) {
      options.signal?.throwIfAborted();
      checkBlock(block);
      const grown = allocate(meta.dtype, data.length + block.length);
      (grown as { set(a: ArrayLike<unknown>, offset?: number): void }).set(
        data as ArrayLike<unknown>,
      );
      (grown as { set(a: ArrayLike<unknown>, offset?: number): void }).set(
        block as ArrayLike<unknown>,
        data.length,
      );
      data = grown;
      meta = {
        ...meta,
        shape: [
          meta.shape[0]! + (slab() === 0 ? 0 : block.length / slab()),
          ...meta.shape.slice(1),
        ],
      };
      await persist(options);
    },
  };
  return array;
}

async function openArray(
  store: KeyValueStore,
  path: string,
  options: IOOptions = {},
): Promise<WritableArray> {
  const meta = await readMeta(store, path, options);
  const bytes = await store.get(`${path}/${DATA}`, options);
  if (bytes === undefined)
    throw new NotFoundError(`${path}/${DATA}`, `array data missing at '${path}'`);
  const expected = sizeOf(meta.shape) * bytesPerElement(meta.dtype);
  if (bytes.byteLength !== expected) {
    throw new DataError(
      `${path}/${DATA}`,
      `holds ${bytes.byteLength} bytes, shape and dtype need ${expected}`,
    );
  }
  const copy = bytes.slice();
  const Ctor = typedArrayConstructor(meta.dtype);
  return makeArray(store, path, meta, new Ctor(copy.buffer, 0, sizeOf(meta.shape)));
}

/**
 * The reference {@link ArrayStoreBackend}: keeps each array whole in one value of the key-value
 * store and reads selections with `gather`. Simple enough to be obviously right; not fast.
 */
export const memoryArrayStore: ArrayStoreBackend = {
  id: "memory",
  version: "0.1.0",
  async create(store, path, options: ArrayCreateOptions) {
    assertDType(options.dtype);
    const { shape, dimensionNames } = options;
    if (!shape.every(isLength) || dimensionNames.length !== shape.length) {
      throw new DataError(
        path,
        `shape [${shape.join(", ")}] and dimension names [${dimensionNames.join(", ")}] do not fit`,
      );
    }
    if (!options.overwrite && (await store.get(`${path}/${META}`)) !== undefined) {
      throw new AlreadyExistsError(
        path,
        `an array already exists at '${path}'; pass overwrite: true to replace it`,
      );
    }
    const meta: StoredMeta = {
      shape: [...shape],
      dtype: options.dtype,
      dimensionNames: [...dimensionNames],
      chunkShape: [...(options.chunkShape ?? shape)],
      codec: options.codec ?? "none",
      fillValue:
        typeof options.fillValue === "bigint"
          ? String(options.fillValue)
          : (options.fillValue ?? 0),
    };
    const data = allocate(meta.dtype, sizeOf(shape));
    const fill = meta.fillValue ?? 0;
    (data as { fill(v: unknown): unknown }).fill(
      isBigIntDType(meta.dtype) ? BigInt(fill) : Number(fill),
    );
    await save(store, path, meta, data);
    return makeArray(store, path, meta, data);
  },
  open: (store, path, options) => openArray(store, path, options) as Promise<StoredArray>,
  openWritable: (store, path, options) => openArray(store, path, options),
  async copy(store, from, to, options) {
    const source = await openArray(store, from, options);
    const { shape } = source.metadata;
    const length = options.length;
    if (!isLength(length) || length > shape[0]!)
      throw new InvalidSelectionError("length", `${length} slabs of an array of ${shape[0]}`);
    const meta = { ...(await readMeta(store, from, options)), shape: [length, ...shape.slice(1)] };
    const data = (await source.read([{ start: 0, stop: length }])).slice() as TypedArray;
    await save(store, to, meta, data, options);
    return makeArray(store, to, meta, data);
  },
  async writeCoordinates(store, path, axis, values, options) {
    const kind =
      values instanceof Int32Array
        ? "int32"
        : values instanceof BigInt64Array
          ? "int64"
          : values instanceof Float64Array
            ? "float64"
            : "string";
    const stored = {
      axis,
      kind,
      values: Array.from(values as ArrayLike<unknown>, (v) =>
        typeof v === "bigint" ? String(v) : v,
      ),
    };
    await store.set(`${path}/${COORDS}`, new TextEncoder().encode(JSON.stringify(stored)), options);
  },
  async readCoordinates(store, path, options) {
    const bytes = await store.get(`${path}/${COORDS}`, options);
    if (bytes === undefined)
      throw new NotFoundError(path, `no coordinates at '${path}' in ${store.location}`);
    const { kind, values } = JSON.parse(new TextDecoder().decode(bytes)) as {
      kind: string;
      values: (string | number)[];
    };
    if (kind === "int32") return Int32Array.from(values as number[]);
    if (kind === "int64") return BigInt64Array.from(values, (v) => BigInt(v));
    if (kind === "float64") return Float64Array.from(values as number[]);
    return values as string[];
  },
};
