/** The worker's side of a split fit on Node: the task handler that opens datasets as `openDataset` does. */

import { stat } from "node:fs/promises";
import { createPartitionHandler, type PartitionHandler } from "@tt/distribute";
import { parquetMetaIO } from "@tt/meta-parquet";
import {
  ConfigError,
  type KernelSettings,
  NotFoundError,
  type WritableKeyValueStore,
} from "@tt/schema";
import { createDirectoryStore } from "@tt/storage/fs";
import { openDataset } from "./open-dataset.js";
import { isS3Location, s3StoreAt } from "./s3-locations.js";

/**
 * The store a worker writes a result's parts into: an s3:// prefix, or a directory that must
 * exist already (the one the coordinator's write made): a task retried after its fit was given
 * up never creates one again.
 */
async function partStore(location: string): Promise<WritableKeyValueStore> {
  if (isS3Location(location)) return s3StoreAt(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location))
    throw new ConfigError(
      "writeRowsTo",
      `${location}: a worker writes a result's parts into a directory or an s3:// prefix`,
    );
  const found = await stat(location).catch(() => undefined);
  if (!found?.isDirectory())
    throw new NotFoundError(
      location,
      `the result's directory ${location} is not there: the workers must reach the directory the result is written to (a shared file system; or write the result to an s3:// prefix), or the write this task belonged to has ended. This worker writes no part outside it`,
    );
  return createDirectoryStore(location);
}

/**
 * The task handler of a worker of split fits (`decompose(..., { engine })`): give its `handle`
 * to an engine's worker, e.g. `startBullmqWorker` of `@tt/engine-bullmq` (what `tt worker`
 * runs). Datasets are opened by location as {@link openDataset} opens them (directories, http(s)
 * and s3:// URLs), once per location, and checked against the version the fit started on. The
 * parts of an instance table (`decomposeTo` with an engine) are written as Parquet into the
 * result's directory or s3:// prefix.
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
    output: { openStore: partStore, metaIO: parquetMetaIO },
    ...(options.kernels !== undefined && { kernels: options.kernels }),
  });
}
