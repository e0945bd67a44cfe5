/** The worker's side of a split fit on Node: the task handler that opens datasets as `openDataset` does. */

import { createPartitionHandler, type PartitionHandler } from "@tt/distribute";
import type { KernelSettings } from "@tt/schema";
import { openDataset } from "./open-dataset.js";

/**
 * The task handler of a worker of split fits (`decompose(..., { engine })`): give its `handle`
 * to an engine's worker, e.g. `startBullmqWorker` of `@tt/engine-bullmq` (what `tt worker`
 * runs). Datasets are opened by location as {@link openDataset} opens them (directories, http(s)
 * and s3:// URLs), once per location, and checked against the version the fit started on.
 *
 * @example
 * ```ts
 * import { startBullmqWorker } from "@tt/engine-bullmq";
 * import { partitionHandler } from "tensortools";
 *
 * const handler = partitionHandler();
 * const worker = await startBullmqWorker({ connection: "redis://127.0.0.1:6379", handler: handler.handle });
 * process.on("SIGTERM", async () => {
 *   await worker.close();
 *   await handler.close();
 * });
 * ```
 */
export function partitionHandler(options: { kernels?: KernelSettings } = {}): PartitionHandler {
  return createPartitionHandler({
    open: (location) => openDataset(location),
    ...(options.kernels !== undefined && { kernels: options.kernels }),
  });
}
