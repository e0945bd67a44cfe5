/** `decompose`: resolve a method, validate its config, fit it to a view and assemble the result. */

import { splitMethod } from "@tt/distribute";
import { datasetFromTensor } from "@tt/query";
import { computeInputRef, createResult } from "@tt/result";
import {
  type AxisAnnotatedTensor,
  ConfigError,
  DEFAULT_FIELD,
  type DecompositionMethod,
  type DecompositionResult,
  type Engine,
  type FitContext,
  isTensorToolsError,
  type JsonObject,
  type KernelBackendChoice,
  type KernelSettings,
  MethodError,
  type MethodPhase,
  type Progress,
  pluginKind,
  type ReadableView,
  type Registry,
  type TensorView,
} from "@tt/schema";
import { untilAborted } from "./abort.js";
import { createDefaultRegistry } from "./default-registry.js";
import { VERSION } from "./version.js";

/** Options of {@link decompose}. */
export interface DecomposeOptions {
  /** Where string method ids are looked up; a fresh {@link createDefaultRegistry} when omitted. */
  registry?: Registry;
  /** Receives the method's progress reports. */
  onProgress?: (progress: Progress) => void;
  /** Stops the run: the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * The seed handed to the method (default 0), its only source: the methods' configs have no
   * `seed`. The same seed gives the same result, and the result records it in `attrs.seed`.
   */
  seed?: number;
  /**
   * How the method runs its dense kernels (svd, pca and cp do): `backend` "auto" (default),
   * "wasm-relaxed-simd", "wasm-simd" or "js", and `threads` for Node, which applies when the
   * method's config leaves `threads` at "auto" (a number there wins). The backend that ran is
   * recorded in the result's diagnostics (`kernels.backend`).
   */
  kernels?: KernelSettings;
  /**
   * A job engine (the `Engine` interface of `@tt/schema`, e.g. `createBullmqEngine` of
   * `@tt/engine-bullmq`): the fit is split over partitions of the instances whose passes the
   * engine's workers run (svd, pca, cp and tucker; see `@tt/distribute`). The view must be of a dataset
   * the workers can open (a directory, an http(s) or s3:// URL). The numbers are those of the
   * single-process fit up to rounding; the result records what moved in `diagnostics.split`.
   */
  engine?: Engine;
  /** With `engine`: the number of partitions (default one per 128 MiB of float32 data). */
  partitions?: number;
  /**
   * With `engine`: the location of the store the result is being written to (a directory or an
   * s3:// prefix the workers can write). The workers of svd, pca and cp write the instance table
   * there in parts, and the result holds it as `writtenTables.instance`. {@link decomposeTo}
   * sets it; most callers use that.
   */
  writeRowsTo?: string;
}

/** Every kernel backend; written as a record so that the compiler checks the list is complete. */
const KERNEL_BACKENDS = Object.keys({
  auto: 0,
  "wasm-relaxed-simd": 0,
  "wasm-simd": 0,
  js: 0,
} satisfies Record<KernelBackendChoice, 0>);

/** The message of an error of unknown type. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one phase: tensortools errors pass through unchanged (unless `wrapAll`), an abort
 * rejects with the signal's reason, anything else is a MethodError naming the phase.
 */
async function inPhase<T>(
  methodId: string,
  phase: MethodPhase,
  signal: AbortSignal | undefined,
  work: () => T | Promise<T>,
  wrapAll = false,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (isTensorToolsError(error) && !wrapAll) throw error;
    throw new MethodError(methodId, phase, messageOf(error), { cause: error });
  }
}

/** The method `method` names, checked to be one. */
function resolveMethod(
  method: string | DecompositionMethod<object>,
  registry: Registry | undefined,
): DecompositionMethod<object> {
  if (typeof method === "string") return (registry ?? createDefaultRegistry()).method(method);
  if (pluginKind(method) !== "method") {
    throw new ConfigError(
      `method '${method.id}'`,
      "is not a decomposition method (an object with id, version, validate and fit)",
    );
  }
  return method;
}

/** The method, split over the partitions of the instances when an engine is given. */
function splitIfAsked(
  method: DecompositionMethod<object>,
  options: DecomposeOptions,
): DecompositionMethod<object> {
  if (options.engine === undefined) {
    for (const field of ["partitions", "writeRowsTo"] as const)
      if (options[field] !== undefined)
        throw new ConfigError(field, "applies to a split fit: give an engine too");
    return method;
  }
  const { engine, partitions, writeRowsTo } = options;
  return splitMethod(method, { engine, partitions, writeRowsTo });
}

/** The kernel settings, checked: a known backend and a positive integer of threads. */
function checkKernels(kernels: unknown): KernelSettings | undefined {
  if (kernels === undefined) return undefined;
  if (kernels === null || typeof kernels !== "object" || Array.isArray(kernels))
    throw new ConfigError(
      "kernels",
      `must be an object such as { backend: "js" }, got ${JSON.stringify(kernels)}`,
    );
  const { backend, threads, ...rest } = kernels as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw new ConfigError(
      `kernels.${unknown[0]}`,
      "is not a kernel setting: the settings are backend and threads",
    );
  if (backend !== undefined && !KERNEL_BACKENDS.includes(backend as string))
    throw new ConfigError(
      "kernels.backend",
      `must be one of ${KERNEL_BACKENDS.map((name) => JSON.stringify(name)).join(", ")}; got ${JSON.stringify(backend)}`,
    );
  if (threads !== undefined && !(Number.isInteger(threads) && (threads as number) >= 1))
    throw new ConfigError(
      "kernels.threads",
      `must be a positive integer, got ${JSON.stringify(threads)}`,
    );
  return kernels as KernelSettings;
}

/**
 * The view to decompose: a view as it is, a tensor as the dataset `datasetFromTensor` makes of
 * it; anything else is a ConfigError saying what decompose takes.
 */
function inputView(input: ReadableView | AxisAnnotatedTensor): ReadableView {
  const candidate = input as Partial<ReadableView & AxisAnnotatedTensor> | null;
  if (typeof candidate === "object" && candidate !== null) {
    if (typeof candidate.ids === "function" && typeof candidate.blocks === "function")
      return input as ReadableView;
    if (ArrayBuffer.isView(candidate.data)) return datasetFromTensor(input as AxisAnnotatedTensor);
  }
  throw new ConfigError(
    "view",
    `must be a dataset, a view of one or an axis-annotated tensor (createTensor), got ${candidate === null ? "null" : Array.isArray(candidate) ? "an array" : typeof candidate}`,
  );
}

/**
 * The view of the field `config.field` names (the view itself without one) and the config
 * without it: `field` is a key of every method's config, taken by `decompose` so that methods
 * need not know it. A field the view cannot select is the view's error (NotFoundError naming the
 * fields there are); a `field` that is not a name is a ConfigError.
 */
function selectField(
  view: ReadableView,
  config: object,
): { view: ReadableView; config: object; field: string | undefined } {
  if (config === null || typeof config !== "object" || !("field" in config))
    return { view, config, field: undefined };
  const { field, ...rest } = config as { field: unknown };
  if (typeof field !== "string" || field.length === 0)
    throw new ConfigError(
      "field",
      `must be a field name such as "data", got ${JSON.stringify(field)}`,
    );
  const selectable = view as Partial<TensorView>;
  if (typeof selectable.field !== "function") {
    if (field === DEFAULT_FIELD) return { view, config: rest, field };
    throw new ConfigError("field", `'${field}': the input has only the field "data"`);
  }
  return { view: selectable.field(field), config: rest, field };
}

function checkSeed(seed: unknown): number {
  if (seed === undefined) return 0;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0) {
    throw new ConfigError("seed", `must be a non-negative integer, got ${JSON.stringify(seed)}`);
  }
  return seed;
}

/**
 * Decomposes `input` with `method` (an id looked up in the registry, or a method object) and
 * `config`: validates the config (defaults filled in), records where the input came from, runs
 * the method's fit and returns the result keyed by the input's instance ids, with attrs
 * `library_version`, `method_version`, `created_at`, `duration_ms` and `seed`.
 *
 * `config.field` picks the field of the dataset to decompose (`view.field(name)`, the same
 * instances); it is recorded in the result's config and `inputRef.field`, so `reopenInput`
 * replays it. The method sees the config without it.
 *
 * `input` is a dataset, a view of one, or an in-memory tensor (`createTensor`), decomposed as
 * `datasetFromTensor(tensor)`: the same numbers as the same data written as a bundle, instances
 * keyed by the tensor's first-axis ids (by row number 0, 1, ... when it has none), and
 * `inputRef.dataset` null, since there is nothing stored to reopen.
 *
 * Errors: an input that is neither a view nor a tensor is a ConfigError on `view`, a tensor with
 * repeated or null ids a DataError naming the axis; an unknown id is a NotFoundError listing the
 * registered ones; a bad `seed` or `kernels` option is a ConfigError naming it
 * (`kernels.backend`); tensortools errors from the method (ConfigError, DataError, ...) pass
 * through unchanged; an abort rejects with the signal's reason (before any data is read if the
 * signal is already aborted, and as soon as it aborts even when the method is slow to notice);
 * any other failure is a MethodError naming the method and the phase ("validate", "prepare",
 * "fit", "assemble"), with the original error as its cause. Output that breaks the result
 * contract (instance table not keyed by the input's ids, non-JSON diagnostics) is a MethodError
 * in phase "assemble", whatever the error behind it.
 *
 * @example
 * ```ts
 * const view = dataset.query("epoch", "lock_position == 1");
 * const result = await decompose(view, "pca", { rank: 5 }, { onProgress: console.log });
 * result.factorTables.instance.toRecords()[0]; // { instance_id: "ep03", score_1: ..., ... }
 *
 * const iris = createTensor({ data, shape: [150, 4], axes: ["flower", "feature"] });
 * const pca2 = await decompose(iris, "pca", { rank: 2 }); // flowers keyed 0..149
 * const spectra = await decompose(dataset, "pca", { field: "spectrogram", rank: 3 });
 * ```
 */
export async function decompose(
  input: ReadableView | AxisAnnotatedTensor,
  method: string | DecompositionMethod<object>,
  config: object = {},
  options: DecomposeOptions = {},
): Promise<DecompositionResult> {
  const { signal } = options;
  signal?.throwIfAborted();
  const started = Date.now();
  const selected = selectField(inputView(input), config);
  const view = selected.view;
  const seed = checkSeed(options.seed);
  const kernels = checkKernels(options.kernels);
  const resolved = splitIfAsked(resolveMethod(method, options.registry), options);
  const id = resolved.id;
  const validated = await inPhase(id, "validate", signal, () => resolved.validate(selected.config));
  const fullConfig =
    selected.field === undefined ? validated : { ...validated, field: selected.field };
  const instanceAxis = view.axes[0]!;
  const { inputRef, instanceIds } = await inPhase(id, "prepare", signal, async () => {
    signal?.throwIfAborted();
    return { inputRef: await computeInputRef(view), instanceIds: view.ids(instanceAxis) };
  });
  const context: FitContext = {
    seed,
    signal,
    onProgress: (progress) => options.onProgress?.(progress),
    ...(kernels !== undefined && { kernels }),
  };
  const output = await inPhase(id, "fit", signal, async () => {
    signal?.throwIfAborted();
    return untilAborted(resolved.fit(view, fullConfig, context), signal);
  });
  signal?.throwIfAborted();
  const attrs: JsonObject = {
    library_version: VERSION,
    method_version: resolved.version,
    created_at: new Date().toISOString(),
    duration_ms: Date.now() - started,
    seed,
  };
  return inPhase(
    id,
    "assemble",
    signal,
    () =>
      createResult({
        method: resolved,
        config: fullConfig,
        inputRef,
        output,
        attrs,
        instanceIds,
        instance: { axis: instanceAxis, idColumn: view.axisIndexColumns[instanceAxis] ?? null },
      }),
    true,
  );
}
