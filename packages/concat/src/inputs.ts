/** The inputs of a concatenation: opened, named, and checked to share one axis order. */

import { type BundlePlugins, openBundle } from "@tt/bundle";
import { createDataset } from "@tt/query";
import {
  ConfigError,
  DataError,
  InvalidManifestError,
  isTensorToolsError,
  type KeyValueStore,
  type Manifest,
  NotFoundError,
  type StoredDataset,
  type TensorView,
  UnsupportedError,
} from "@tt/schema";
import type { ConcatInput } from "./options.js";

/** One input, opened: its view, where it is, and the id it gets in the output. */
export interface Source {
  /** Position in the list of inputs. */
  readonly position: number;
  /** Its `source_dataset_id`. */
  readonly id: string;
  /** The view that is copied. */
  readonly view: TensorView;
  /** Where its dataset is. */
  readonly location: string;
  /** Its dataset's manifest. */
  readonly manifest: Manifest;
  /** How messages name it: `input 2 ('sub-03' at /data/sub-03)`. */
  readonly label: string;
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
): Promise<TensorView> {
  if (input === null || typeof input !== "object") {
    throw new ConfigError(
      `inputs[${position}]`,
      `must be a view, a dataset or a key-value store, got ${input === null ? "null" : typeof input}`,
    );
  }
  if (isView(input)) return input;
  if (isStoredDataset(input)) return createDataset(input);
  try {
    return createDataset(await openBundle(input as KeyValueStore, plugins));
  } catch (error) {
    throw naming(error, position, (input as KeyValueStore).location);
  }
}

/** The default `source_dataset_id`: the last segment of the location. */
export function defaultSourceId(location: string): string {
  const segments = location.split(/[/\\]/).filter((segment) => segment.length > 0);
  return segments.at(-1) ?? location;
}

/**
 * Opens every input, gives it its `source_dataset_id` (from `sourceIds`, else the last segment of
 * its location) and checks that the ids are unique and that every input has the same axes in the
 * same order, with `along` first.
 */
export async function openInputs(
  inputs: readonly ConcatInput[],
  options: BundlePlugins & {
    sourceIds?: readonly string[];
    along?: string;
    signal?: AbortSignal;
  },
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
  const sources: Source[] = [];
  const byId = new Map<string, number>();
  for (const [position, input] of inputs.entries()) {
    options.signal?.throwIfAborted();
    const view = await openInput(input, position, options);
    const { location, manifest } = view.dataset;
    const id = sourceIds?.[position] ?? defaultSourceId(location);
    if (typeof id !== "string" || id.length === 0) {
      throw new ConfigError(`sourceIds[${position}]`, "must be a non-empty string");
    }
    const label = `input ${position} ('${id}' at ${location})`;
    const other = byId.get(id);
    if (other !== undefined) {
      throw new DataError(
        label,
        `has source id '${id}', as input ${other} (${sources[other]!.location}) has; source ids must be unique: pass sourceIds to name the inputs`,
      );
    }
    byId.set(id, position);
    sources.push({ position, id, view, location, manifest, label });
  }
  checkAxes(sources, options.along);
  return sources;
}

function checkAxes(sources: readonly Source[], along: string | undefined): void {
  const first = sources[0]!;
  const axes = first.view.axes;
  if (along !== undefined && along !== axes[0]) {
    throw new UnsupportedError(
      `concatenation along '${along}'`,
      `can only concatenate along the inputs' first axis '${axes[0]}', not '${along}'; ${axes.includes(along) ? `transpose the inputs so that '${along}' comes first` : `the axes are ${axes.join(", ")}`}`,
    );
  }
  for (const source of sources.slice(1)) {
    const other = source.view.axes;
    if (other.length !== axes.length || other.some((axis, i) => axis !== axes[i])) {
      throw new DataError(
        source.label,
        `has axes [${other.join(", ")}] but ${first.label} has [${axes.join(", ")}]; every input needs the same axes in the same order`,
      );
    }
  }
}
