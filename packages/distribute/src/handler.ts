/**
 * The worker's side of a split fit: answers a partition's scan and pass tasks on the rows it
 * names, with the passes of the SVD and CP methods.
 */

import {
  CORE_PASSES,
  openPartitionSource,
  type PassFunction,
  planMemory,
  type RowTableFunction,
  type SourceOptions,
  scanPartition,
} from "@tt/decompose-core";
import { CP_PASSES, CP_ROW_TABLES } from "@tt/decompose-cp";
import { SVD_PASSES, SVD_ROW_TABLES } from "@tt/decompose-svd";
import { TUCKER_PASSES } from "@tt/decompose-tucker";
import { createKernels, type Kernels } from "@tt/linalg";
import { viewFromJSON } from "@tt/query";
import {
  ConfigError,
  DataError,
  type EngineTask,
  hashManifest,
  INSTANCE_TABLE,
  type JsonValue,
  type KernelSettings,
  type MetaIO,
  type MetaTable,
  type TaskHandler,
  type TensorDataset,
  unsafePathReason,
  type WritableKeyValueStore,
} from "@tt/schema";
import { fromJson, toJson } from "./codec.js";
import {
  PASS_TASK,
  type PartitionTaskData,
  SCAN_TASK,
  WRITE_TASK,
  type WrittenPart,
} from "./task.js";

/** Every pass a split fit runs, by name. */
const PASSES: Readonly<Record<string, PassFunction>> = {
  ...CORE_PASSES,
  ...SVD_PASSES,
  ...CP_PASSES,
  ...TUCKER_PASSES,
};

/** Every row table a split fit's write tasks build, by name. */
const ROW_TABLES: Readonly<Record<string, RowTableFunction>> = {
  ...SVD_ROW_TABLES,
  ...CP_ROW_TABLES,
};

/**
 * How a worker writes the parts of results (see {@link PartitionHandlerOptions.output}): only
 * parts of factor tables (`factor_tables/<table>/part-NNNNN`), into the store at the result's
 * location.
 *
 * @example
 * ```ts
 * import { parquetMetaIO } from "@tt/meta-parquet";
 * import { createDirectoryStore } from "@tt/storage/fs";
 *
 * const output: PartWriter = { openStore: async (dir) => createDirectoryStore(dir), metaIO: parquetMetaIO };
 * const handler = createPartitionHandler({ open: openDataset, output });
 * ```
 */
export interface PartWriter {
  /** Opens the store at a result's location for writing (a directory, an s3:// prefix). */
  openStore(location: string): Promise<WritableKeyValueStore>;
  /** The table format of the parts (the result's, e.g. Parquet). */
  metaIO: MetaIO;
}

/** Options of {@link createPartitionHandler}. */
export interface PartitionHandlerOptions {
  /** Opens the dataset at a task's location (the umbrella's `openDataset` on Node). */
  open(location: string): Promise<TensorDataset>;
  /** The kernels' settings for this worker (threads: every core by default). */
  kernels?: KernelSettings;
  /**
   * How to write the per-instance parts of results (write tasks, `tt.split.write`); without it
   * a write task is a ConfigError.
   */
  output?: PartWriter;
}

/** A task handler that keeps its kernels between tasks; `close` releases them. */
export interface PartitionHandler {
  readonly handle: TaskHandler;
  close(): Promise<void>;
}

/**
 * The handler a worker runs for the tasks of split fits (`tt.split.scan`, `tt.split.pass`, and
 * `tt.split.write` with `options.output`); any other kind is a ConfigError. The dataset is opened once per location and checked against the
 * task's manifest hash, so a worker never computes on another version than the coordinator's.
 *
 * @example
 * ```ts
 * import { createPartitionHandler } from "@tt/distribute";
 * import { openDataset } from "tensortools";
 *
 * const handler = createPartitionHandler({ open: (location) => openDataset(location) });
 * // give handler.handle to an engine's worker; at exit:
 * await handler.close();
 * ```
 */
export function createPartitionHandler(options: PartitionHandlerOptions): PartitionHandler {
  const datasets = new Map<string, Promise<{ dataset: TensorDataset; hash: string }>>();
  let kernels: Promise<Kernels> | undefined;
  const opened = (location: string) => {
    let entry = datasets.get(location);
    if (entry === undefined) {
      entry = options.open(location).then(async (dataset) => ({
        dataset,
        hash: await hashManifest(dataset.manifest),
      }));
      entry.catch(() => datasets.delete(location));
      datasets.set(location, entry);
    }
    return entry;
  };
  const handle: TaskHandler = async (task, onProgress) => {
    if (task.kind !== SCAN_TASK && task.kind !== PASS_TASK && task.kind !== WRITE_TASK)
      throw new ConfigError("task.kind", `'${task.kind}' is not a task of a split fit`);
    const data = fromJson(task.data, "task.data") as PartitionTaskData;
    const { dataset, hash } = await opened(data.location);
    if (hash !== data.manifest)
      throw new DataError(
        data.location,
        `holds another version of the dataset (manifest ${hash}) than the fit started on (${data.manifest})`,
      );
    kernels ??= createKernels(options.kernels ?? {});
    const sourceOptions = partitionOptions(dataset, data, await kernels, onProgress);
    if (task.kind === WRITE_TASK)
      return toJson(await writePart(data, sourceOptions, options.output));
    return runTask(task, data, sourceOptions);
  };
  return {
    handle,
    async close() {
      const current = kernels;
      kernels = undefined;
      datasets.clear();
      if (current !== undefined) await (await current).dispose();
    },
  };
}

/** The source options of the task's partition: its rows of the view, the whole view's plan. */
function partitionOptions(
  dataset: TensorDataset,
  data: PartitionTaskData,
  kernels: Kernels,
  onProgress: (fraction: number) => void,
): SourceOptions {
  const whole = viewFromJSON(dataset, data.view);
  if (whole.shape[0] !== data.plan.n)
    throw new DataError(
      data.location,
      `the view has ${whole.shape[0]} instances here but ${data.plan.n} where the fit started`,
    );
  const view = whole.slice(whole.axes[0]!, data.start, data.stop);
  const plan = { ...data.plan, n: data.stop - data.start };
  const memory = planMemory(view, plan, data.layouts, data.config);
  const context = {
    signal: undefined,
    onProgress: (progress: { fraction: number }) => onProgress(progress.fraction),
  };
  return { view, plan, config: data.config, layouts: data.layouts, kernels, memory, context };
}

/** Scans the partition, or runs the task's pass on it with the shared statistics. */
async function runTask(
  task: EngineTask,
  data: PartitionTaskData,
  options: SourceOptions,
): Promise<JsonValue> {
  if (task.kind === SCAN_TASK) {
    const scan = await scanPartition(options);
    return toJson(data.keepRows ? { ...scan, rowSquares: new Float64Array(0) } : scan);
  }
  const pass = PASSES[data.pass ?? ""];
  if (pass === undefined || data.stats === undefined || data.input === undefined)
    throw new ConfigError("task.data.pass", `'${data.pass}' is not a pass of a split fit`);
  const { source, close } = openPartitionSource(options, data.stats);
  try {
    return toJson(await pass(source, options.kernels, data.input));
  } finally {
    close();
  }
}

/**
 * Builds the task's row table on the partition's rows and writes it, in the result's table
 * format, at the task's target: a retried task writes the same part again.
 */
async function writePart(
  data: PartitionTaskData,
  options: SourceOptions,
  output: PartWriter | undefined,
): Promise<WrittenPart> {
  const table = ROW_TABLES[data.pass ?? ""];
  const { target, stats, input } = data;
  if (table === undefined || stats === undefined || input === undefined || target === undefined)
    throw new ConfigError("task.data.pass", `'${data.pass}' is not a row table of a split fit`);
  if (output === undefined)
    throw new ConfigError(
      "output",
      `this worker does not write results: the fit asked for ${target.path} at ${target.location}; give createPartitionHandler an output (tt worker and partitionHandler of tensortools do)`,
    );
  // A worker writes the parts of a result's factor tables, and nothing else.
  if (unsafePathReason(target.path) !== undefined || !target.path.startsWith("factor_tables/"))
    throw new ConfigError(
      "task.data.target.path",
      `'${target.path}' is not a part of a result's factor table (factor_tables/<table>/part-NNNNN); this worker writes nothing else`,
    );
  const { source, close } = openPartitionSource(options, stats);
  let rows: MetaTable;
  try {
    rows = await table(source, options.kernels, input, { view: options.view, plan: options.plan });
  } finally {
    close();
  }
  const path = `${target.path}${output.metaIO.extension}`;
  const store = await output.openStore(target.location);
  await store.set(path, await output.metaIO.write(rows, { axis: INSTANCE_TABLE }));
  return { path, rows: rows.numRows, columns: [...rows.columnNames] };
}
