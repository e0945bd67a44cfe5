/** The decomposition method plugin interface and what its fit returns. */

import type { JsonObject } from "./json.js";
import type { MetaTable } from "./meta-table.js";
import type { AxisAnnotatedTensor } from "./tensor.js";
import type { ReadableView } from "./view.js";

/** A progress report from long work. */
export interface Progress {
  /** What is being done, e.g. `"read"`, `"fit"`. */
  phase: string;
  /** Fraction done in this phase, 0 to 1. */
  fraction: number;
  /** A short human-readable detail. */
  message?: string;
}

/**
 * A dense-kernel backend a caller can ask for: `"auto"` (relaxed SIMD when the engine accepts it,
 * else SIMD128, else JavaScript with a one-time warning), a WebAssembly build, which fails with an
 * UnsupportedError where the engine lacks it, or the JavaScript kernels (about 10x slower).
 */
export type KernelBackendChoice = "auto" | "wasm-relaxed-simd" | "wasm-simd" | "js";

/**
 * How a method should run its dense numeric kernels: methods built on `@tt/linalg` hand these to
 * `createKernels`. Methods without such kernels ignore them.
 */
export interface KernelSettings {
  /** The backend; default `"auto"`. */
  readonly backend?: KernelBackendChoice;
  /**
   * Threads for large products on Node (outside Node the kernels use one thread). A method's own
   * `threads` config, when it is a number, wins over this; this applies when the config leaves it
   * at `"auto"`, and every core is used when neither is given.
   */
  readonly threads?: number;
}

/** What core hands a method's `fit`: progress reporting, cancellation, the seed and kernel settings. */
export interface FitContext {
  /** Seed for every random choice; the same seed gives the same result. */
  readonly seed: number;
  /** Stops the fit; a method checks it between steps and rejects with its reason. */
  readonly signal: AbortSignal | undefined;
  /** Reports progress. */
  onProgress(progress: Progress): void;
  /** How to run dense numeric kernels, when the caller chose; undefined leaves the defaults. */
  readonly kernels?: KernelSettings;
}

/**
 * The name of the instance factor table of every result, whatever the input's first axis is
 * called: `factorTables.instance`, `factor_tables/instance.parquet` on disk.
 */
export const INSTANCE_TABLE = "instance";

/**
 * The key column of the instance table, its first column: the input view's instance ids in the
 * view's order, whatever the dataset's own id column is called (row numbers 0..n-1 when the input
 * has no ids). Other tools (DuckDB, pandas) may rely on it.
 */
export const INSTANCE_ID = "instance_id";

/** What a method's fit produces; core adds method, config, input reference and attrs. */
export interface MethodOutput {
  /**
   * Per-axis tables. `instance` ({@link INSTANCE_TABLE}) describes the view's first axis: its
   * first column is `instance_id` ({@link INSTANCE_ID}), the view's ids in its order. Tables of
   * other axes are named after their axis (`sample`, `channel`), `component` holds one row per
   * component.
   */
  factorTables: Record<string, MetaTable>;
  /** Component tensors such as `components` (component x sample x channel). */
  componentTensors: Record<string, AxisAnnotatedTensor>;
  /** Method-specific diagnostics, JSON. */
  diagnostics: JsonObject;
  /**
   * Factor tables that are not in `factorTables` because the workers of a split fit wrote them,
   * in parts, into the store the result is being written to (`decomposeTo` of the umbrella):
   * `writeResult` lists their parts in the manifest, and `openResult` of the written bundle
   * reads them as one table. Absent for results held whole in memory.
   */
  writtenTables?: Record<string, WrittenTable>;
}

/**
 * A factor table written in parts by the workers of a split fit, one Parquet file per partition
 * of the instances, in row order: where the parts are (the location of the store the result is
 * being written to, e.g. a directory or an `s3://` prefix) and their paths inside that store.
 *
 * @example
 * ```ts
 * const written: WrittenTable = {
 *   location: "s3://lab/results/pca",
 *   rows: 42337,
 *   columns: ["instance_id", "score_1", "score_2", "recon_error"],
 *   parts: [
 *     { path: "factor_tables/instance/part-00000.parquet", rows: 21168 },
 *     { path: "factor_tables/instance/part-00001.parquet", rows: 21169 },
 *   ],
 * };
 * ```
 */
export interface WrittenTable {
  /** The location of the store the parts were written to. */
  location: string;
  /** Rows over all parts. */
  rows: number;
  /** The table's columns, in order (every part has them). */
  columns: string[];
  /** The parts in row order: paths inside the store, and their rows. */
  parts: Array<{ path: string; rows: number }>;
}

/**
 * A decomposition method: a plain object with metadata, config validation and a lazily loaded
 * fit. `validate` returns the complete config (defaults filled in) or throws a ConfigError.
 */
export interface DecompositionMethod<C extends object = object> {
  /** Unique id, e.g. `"svd"`. */
  readonly id: string;
  /** Version of the method, recorded with every result. */
  readonly version: string;
  /** One line saying what the method does. */
  readonly description?: string;
  /** The default config. */
  readonly defaults: Readonly<C>;
  /** The complete config for `config`, or a ConfigError naming the field. */
  validate(config: unknown): C;
  /** Fits the method to `view`. */
  fit(view: ReadableView, config: C, context: FitContext): Promise<MethodOutput>;
}
