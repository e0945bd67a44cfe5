/**
 * Decompositions split over partitions of the instances, for data too large for one machine.
 * SVD/PCA (Krylov or randomized solver) and CP (unconstrained ALS) read the data only in passes
 * whose answers add up over the rows; {@link splitMethod} runs those passes as rounds of
 * partition tasks on a job engine (the `Engine` interface of `@tt/schema`: in process here,
 * BullMQ on Redis in `@tt/engine-bullmq`), and the coordinator adds up the small partials and
 * solves. Workers answer the tasks with {@link createPartitionHandler}. The result is the
 * single-process fit's, up to rounding, and an ordinary result.
 *
 * @example
 * ```ts
 * import { createLocalEngine, createPartitionHandler, splitMethod } from "@tt/distribute";
 * import { decompose, openDataset, pca } from "tensortools";
 *
 * const handler = createPartitionHandler({ open: openDataset });
 * const engine = createLocalEngine(handler.handle);
 * const view = await openDataset("./eeg");
 * const result = await decompose(view, splitMethod(pca, { engine, partitions: 3 }), { rank: 5 });
 * console.log(result.diagnostics.split);
 * await handler.close();
 * ```
 *
 * @module
 */

export { fromJson, toJson } from "./codec.js";
export {
  createPartitionHandler,
  type PartitionHandler,
  type PartitionHandlerOptions,
  type PartWriter,
} from "./handler.js";
export { createLocalEngine, type LocalEngineOptions } from "./local-engine.js";
export {
  partitionBounds,
  type SplitOptions,
  type SplitRecord,
  splitMethod,
} from "./split-fit.js";
export {
  PASS_TASK,
  type PartitionTaskData,
  type PartTarget,
  SCAN_TASK,
  WRITE_TASK,
  type WrittenPart,
} from "./task.js";
