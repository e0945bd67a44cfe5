/** The options of a concatenation, and their checks. */

import type { BundlePlugins } from "@tt/bundle";
import {
  ConfigError,
  type DType,
  isDType,
  isPlainObject,
  type JsonObject,
  type KeyValueStore,
  type Progress,
  type StoredDataset,
  type TensorView,
} from "@tt/schema";

/** How the non-concatenated axes are matched: common elements only, or all of them. */
export type JoinKind = "inner" | "outer";

/** What an {@link IdScheme} function gets for each instance. */
export interface InstanceIdParts {
  /** The id of the input dataset (`source_dataset_id`). */
  readonly sourceDatasetId: string;
  /** The id of the file the instance comes from (`source_file_id`). */
  readonly sourceFileId: string;
  /** The instance's id in its input, as a string (`source_instance_id`). */
  readonly sourceInstanceId: string;
  /** The instance's position in its input view. */
  readonly position: number;
}

/**
 * How the output `instance_id`s are made. `"dataset"` (the default) is
 * `<source_dataset_id>/<source_instance_id>`; `"keep"` keeps the inputs' ids as they are (they
 * must not repeat across inputs); a function makes any other id. Ids that repeat are an error.
 */
export type IdScheme = "dataset" | "keep" | ((parts: InstanceIdParts) => string);

/** An input of a concatenation: a view, a dataset, or a key-value store holding a bundle. */
export type ConcatInput = TensorView | StoredDataset | KeyValueStore;

/** Options of a concatenation, whatever it writes to. */
export interface ConcatOptions extends BundlePlugins {
  /** The axis to concatenate along: the inputs' first axis (the default), the only one supported. */
  along?: string;
  /**
   * The column that matches the elements of each other axis across inputs, by axis. Axes left
   * out are matched by their id column, or by position when they have none.
   */
  align?: Readonly<Record<string, string>>;
  /** `"inner"` (default) keeps the elements every input has; `"outer"` keeps them all. */
  join?: JoinKind;
  /** The value written where an input lacks an element under `"outer"`; NaN by default. */
  fillValue?: number;
  /** How `instance_id`s are made; `"dataset"` by default. */
  idScheme?: IdScheme;
  /**
   * The `source_dataset_id` of each input; by default the last segment of its location, or
   * `input-<position>` for a dataset held in memory.
   */
  sourceIds?: readonly string[];
  /** An instance metadata column whose values become `group_id`. */
  groupBy?: string;
  /** `group_id` per `source_dataset_id` (an alternative to `groupBy`). */
  groups?: Readonly<Record<string, string>>;
  /** The output dtype; by default the promotion of the inputs' dtypes. */
  dtype?: DType;
  /** Allow casts to a float dtype that round values (int64 to float64, float64 to float32). */
  allowPrecisionLoss?: boolean;
  /** Chunk shape of the output arrays; whole slabs of about 4 MiB by default. */
  chunkShape?: readonly number[];
  /** Codec of the output arrays; the store's default (none) when omitted. */
  codec?: string;
  /** The output tensor's name; `"data"` by default. */
  tensorName?: string;
  /**
   * The fields beside `data` to carry (each concatenated as the data is, its other axes aligned
   * by id or position with the same join); every field of any input by default. An input with
   * instances that lacks one of them is a DataError naming it (no field is filled in whole).
   */
  fields?: readonly string[];
  /** Global attributes of the output, over those every input shares. */
  attrs?: JsonObject;
  /** Reports progress as instances are copied. */
  onProgress?: (progress: Progress) => void;
  /** Stops the concatenation. */
  signal?: AbortSignal;
}

/** The options with their defaults, checked. */
export interface ResolvedOptions extends ConcatOptions {
  join: JoinKind;
  idScheme: IdScheme;
  align: Readonly<Record<string, string>>;
}

/** Checks `options` (shape and types only; what depends on the inputs is checked later). */
export function resolveOptions(options: ConcatOptions): ResolvedOptions {
  const join = options.join ?? "inner";
  if (join !== "inner" && join !== "outer") {
    throw new ConfigError("join", `must be "inner" or "outer", got ${JSON.stringify(join)}`);
  }
  const idScheme = options.idScheme ?? "dataset";
  if (idScheme !== "dataset" && idScheme !== "keep" && typeof idScheme !== "function") {
    throw new ConfigError(
      "idScheme",
      `must be "dataset", "keep" or a function, got ${JSON.stringify(idScheme)}`,
    );
  }
  const align = options.align ?? {};
  if (!isPlainObject(align)) throw new ConfigError("align", "must be an object of axis -> column");
  for (const [axis, column] of Object.entries(align)) {
    if (typeof column !== "string" || column.length === 0) {
      throw new ConfigError(
        `align.${axis}`,
        `must be a column name, got ${JSON.stringify(column)}`,
      );
    }
  }
  if (options.fillValue !== undefined && typeof options.fillValue !== "number") {
    throw new ConfigError("fillValue", `must be a number, got ${typeof options.fillValue}`);
  }
  if (options.dtype !== undefined && !isDType(options.dtype)) {
    throw new ConfigError("dtype", `unknown dtype ${JSON.stringify(options.dtype)}`);
  }
  if (options.groupBy !== undefined && options.groups !== undefined) {
    throw new ConfigError(
      "groups",
      "give either groupBy (a column) or groups (a mapping), not both",
    );
  }
  return { ...options, join, idScheme, align };
}
