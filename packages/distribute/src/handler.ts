/**
 * The worker's side of a split fit: answers a partition's scan and pass tasks on the rows it
 * names, with the passes of the SVD and CP methods.
 */

import {
  CORE_PASSES,
  openPartitionSource,
  type PassFunction,
  planMemory,
  type SourceOptions,
  scanPartition,
} from "@tt/decompose-core";
import { CP_PASSES } from "@tt/decompose-cp";
import { SVD_PASSES } from "@tt/decompose-svd";
import { TUCKER_PASSES } from "@tt/decompose-tucker";
import { createKernels, type Kernels } from "@tt/linalg";
import { viewFromJSON } from "@tt/query";
import {
  ConfigError,
  DataError,
  type EngineTask,
  hashManifest,
  type JsonValue,
  type KernelSettings,
  type TaskHandler,
  type TensorDataset,
} from "@tt/schema";
import { fromJson, toJson } from "./codec.js";
import { PASS_TASK, type PartitionTaskData, SCAN_TASK } from "./task.js";

/** Every pass a split fit runs, by name. */
const PASSES: Readonly<Record<string, PassFunction>> = {
  ...CORE_PASSES,
  ...SVD_PASSES,
  ...CP_PASSES,
  ...TUCKER_PASSES,
};

/** Options of {@link createPartitionHandler}. */
export interface PartitionHandlerOptions {
  /** Opens the dataset at a task's location (the umbrella's `openDataset` on Node). */
  open(location: string): Promise<TensorDataset>;
  /** The kernels' settings for this worker (threads: every core by default). */
  kernels?: KernelSettings;
}

/** A task handler that keeps its kernels between tasks; `close` releases them. */
export interface PartitionHandler {
  readonly handle: TaskHandler;
  close(): Promise<void>;
}

/**
 * The handler a worker runs for the tasks of split fits (`tt.split.scan`, `tt.split.pass`); any
 * other kind is a ConfigError. The dataset is opened once per location and checked against the
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
    if (task.kind !== SCAN_TASK && task.kind !== PASS_TASK)
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
  if (task.kind === SCAN_TASK) return toJson(await scanPartition(options));
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
