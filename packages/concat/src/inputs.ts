/** The inputs of a concatenation: opened, named, and checked to share one axis order. */

import { type BundlePlugins, openBundle, resolvePlugins, versionStore } from "@tt/bundle";
import { createDataset } from "@tt/query";
import {
  type ArrayStoreBackend,
  ConfigError,
  DataError,
  type DType,
  hashManifest,
  InvalidManifestError,
  isNullAt,
  isTensorToolsError,
  type KeyValueStore,
  type MetaTable,
  NotFoundError,
  type StoredDataset,
  type TensorView,
  UnsupportedError,
} from "@tt/schema";
import type { ConcatInput } from "./options.js";

/** How the data of an input is read when it is copied. */
export type DataSource =
  /** A bundle in a store: its arrays are opened again, without the metadata tables. */
  | {
      readonly kind: "store";
      readonly store: KeyValueStore;
      /** The array store plugin its manifest resolves to. */
      readonly arrayStore: ArrayStoreBackend;
      readonly arrayPath: string;
      readonly maskPath: string | undefined;
    }
  /** A view or dataset the caller holds. */
  | { readonly kind: "view"; readonly view: TensorView };

/**
 * One input, described: what the plan and the copy need of it. Its opened dataset (instance
 * metadata, id index) is not kept; only the metadata of the other axes is, and one table serves
 * every input whose table of that axis is the same.
 */
export interface Source {
  /** Position in the list of inputs. */
  readonly position: number;
  /** Its `source_dataset_id`. */
  readonly id: string;
  /** Where its dataset is; `undefined` for a dataset held in memory. */
  readonly location: string | undefined;
  /** How messages name it: `input 2 ('sub-03' at /data/sub-03)`. */
  readonly label: string;
  /** The axes, shape and dtype of the view that is copied. */
  readonly axes: readonly string[];
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Whether its dataset has a validity mask. */
  readonly hasMask: boolean;
  /** The id column of each axis that has one. */
  readonly axisIndexColumns: Readonly<Record<string, string>>;
  /** `sha256:<hex>` of its dataset's manifest. */
  readonly manifestHash: string;
  /** The view's selectors as JSON (`[]` for a whole dataset). */
  readonly selectors: string;
  /** The metadata table of every axis but the first, by axis. */
  readonly axisMeta: ReadonlyMap<string, MetaTable>;
  /** How its data is read. */
  readonly data: DataSource;
}

function isView(input: ConcatInput): input is TensorView {
  return typeof (input as TensorView).blocks === "function" && "selectors" in input;
}

function isStoredDataset(input: ConcatInput): input is StoredDataset {
  return "manifest" in input && typeof (input as StoredDataset).read === "function";
}

/** `error`, raised while opening input `position`, re-raised with the input named. */
function naming(error: unknown, position: number, location: string): unknown {
  const at = `input ${position} (${location})`;
  if (isTensorToolsError(error, "manifest")) {
    const reason = error.message.replace(/^manifest field '[^']*': /, "");
    return new InvalidManifestError(error.field, `${reason} (in ${at})`, { cause: error });
  }
  if (isTensorToolsError(error, "not-found")) {
    return new NotFoundError(error.what, `${at}: ${error.message}`, { cause: error });
  }
  if (isTensorToolsError(error, "data")) {
    return new DataError(`${at} ${error.where}`, error.message.slice(error.where.length + 2), {
      cause: error,
    });
  }
  return error;
}

/** Opens input `position` as a view; a bundle that cannot be opened is an error naming it. */
async function openInput(
  input: ConcatInput,
  position: number,
  plugins: BundlePlugins & { signal?: AbortSignal },
): Promise<{ view: TensorView; data: DataSource }> {
  if (input === null || typeof input !== "object") {
    throw new ConfigError(
      `inputs[${position}]`,
      `must be a view, a dataset or a key-value store, got ${input === null ? "null" : typeof input}`,
    );
  }
  if (isView(input)) return { view: input, data: { kind: "view", view: input } };
  if (isStoredDataset(input)) {
    const view = createDataset(input);
    return { view, data: { kind: "view", view } };
  }
  const store = input as KeyValueStore;
  try {
    const view = createDataset(await openBundle(store, plugins));
    const { manifest } = view.dataset;
    // The version just opened, file by file as its inventory lists them.
    const files = versionStore(store, manifest);
    const { arrayStore } = resolvePlugins(plugins, manifest);
    return {
      view,
      data: {
        kind: "store",
        store: files,
        arrayStore,
        arrayPath: manifest.array_store,
        maskPath: manifest.mask_store,
      },
    };
  } catch (error) {
    throw naming(error, position, (input as KeyValueStore).location);
  }
}

/** The default `source_dataset_id`: the last segment of the location. */
export function defaultSourceId(location: string): string {
  const segments = location.split(/[/\\]/).filter((segment) => segment.length > 0);
  return segments.at(-1) ?? location;
}

/** Whether two tables hold the same columns, types and values. */
function sameTable(a: MetaTable, b: MetaTable): boolean {
  if (a === b) return true;
  if (a.numRows !== b.numRows || a.columnNames.length !== b.columnNames.length) return false;
  return a.columnNames.every((name) => {
    if (!b.has(name)) return false;
    const x = a.column(name);
    const y = b.column(name);
    if (x.type !== y.type) return false;
    for (let row = 0; row < a.numRows; row++) {
      if (isNullAt(x, row) !== isNullAt(y, row)) return false;
      const u = (x.values as ArrayLike<unknown>)[row];
      const v = (y.values as ArrayLike<unknown>)[row];
      if (Array.isArray(u) && Array.isArray(v)) {
        if (u.length !== v.length || u.some((item, i) => item !== v[i])) return false;
      } else if (u !== v && !(Number.isNaN(u) && Number.isNaN(v))) return false;
    }
    return true;
  });
}

/** How many inputs are opened ahead of the one being described. */
const OPEN_AHEAD = 2;

/**
 * Opens the inputs one after another (a few ahead), gives each its `source_dataset_id` (from
 * `sourceIds`, else the last segment of its location, or `input-<position>` for a dataset held
 * in memory), checks that the ids are unique and that
 * every input has the same axes in the same order, with `along` first, and hands each opened
 * view to `visit` before letting it go. Only the descriptions are kept.
 */
export async function describeInputs(
  inputs: readonly ConcatInput[],
  options: BundlePlugins & {
    sourceIds?: readonly string[];
    along?: string;
    signal?: AbortSignal;
  },
  visit: (source: Source, view: TensorView) => void,
): Promise<Source[]> {
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new ConfigError("inputs", "give at least one dataset, view or store to concatenate");
  }
  const { sourceIds } = options;
  if (sourceIds !== undefined && sourceIds.length !== inputs.length) {
    throw new ConfigError(
      "sourceIds",
      `has ${sourceIds.length} ids for ${inputs.length} inputs; give one per input`,
    );
  }
  const opening: Promise<{ view: TensorView; data: DataSource }>[] = [];
  const open = (position: number) => {
    if (position >= inputs.length || opening[position] !== undefined) return;
    const opened = openInput(inputs[position]!, position, options);
    // Awaited in order below; an input opened ahead of a failure must not go unhandled.
    opened.catch(() => {});
    opening[position] = opened;
  };
  const sources: Source[] = [];
  const byId = new Map<string, number>();
  for (let position = 0; position < inputs.length; position++) {
    options.signal?.throwIfAborted();
    for (let ahead = 0; ahead <= OPEN_AHEAD; ahead++) open(position + ahead);
    const { view, data } = await opening[position]!;
    opening[position] = undefined as never;
    const { location, manifest } = view.dataset;
    const id =
      sourceIds?.[position] ??
      (location === undefined ? `input-${position}` : defaultSourceId(location));
    if (typeof id !== "string" || id.length === 0) {
      throw new ConfigError(`sourceIds[${position}]`, "must be a non-empty string");
    }
    const label = `input ${position} ('${id}' ${location === undefined ? "in memory" : `at ${location}`})`;
    const other = byId.get(id);
    if (other !== undefined) {
      throw new DataError(
        label,
        `has source id '${id}', as input ${other} (${sources[other]!.location ?? "in memory"}) has; source ids must be unique: pass sourceIds to name the inputs`,
      );
    }
    byId.set(id, position);
    const previous = sources.at(-1);
    const axisMeta = new Map<string, MetaTable>();
    for (const axis of view.axes.slice(1)) {
      const table = view.meta(axis);
      const shared = previous?.axisMeta.get(axis);
      axisMeta.set(axis, shared !== undefined && sameTable(shared, table) ? shared : table);
    }
    const source: Source = {
      position,
      id,
      location,
      label,
      axes: view.axes,
      shape: [...view.shape],
      dtype: view.dtype,
      hasMask: view.hasMask,
      axisIndexColumns: view.axisIndexColumns,
      manifestHash: await hashManifest(manifest),
      selectors: JSON.stringify(view.toJSON().selectors),
      axisMeta,
      data,
    };
    checkAxes(sources[0] ?? source, source, options.along);
    visit(source, view);
    sources.push(source);
  }
  return sources;
}

function checkAxes(first: Source, source: Source, along: string | undefined): void {
  const axes = first.axes;
  if (first === source) {
    if (along !== undefined && along !== axes[0]) {
      throw new UnsupportedError(
        `concatenation along '${along}'`,
        `can only concatenate along the inputs' first axis '${axes[0]}', not '${along}'; ${axes.includes(along) ? `transpose the inputs so that '${along}' comes first` : `the axes are ${axes.join(", ")}`}`,
      );
    }
    return;
  }
  const other = source.axes;
  if (other.length !== axes.length || other.some((axis, i) => axis !== axes[i])) {
    throw new DataError(
      source.label,
      `has axes [${other.join(", ")}] but ${first.label} has [${axes.join(", ")}]; every input needs the same axes in the same order`,
    );
  }
}
