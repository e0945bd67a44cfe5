/**
 * A worker of the BullMQ engine: takes jobs from the queue, runs the task handler on each, and
 * answers with its result; its lock on a job, renewed while the handler runs, tells the other
 * workers it is alive.
 */

import {
  ConfigError,
  DataError,
  type EngineTask,
  IoError,
  isPlainObject,
  type TaskHandler,
} from "@tt/schema";
import { type Job, Worker } from "bullmq";
import { describeConnection, ioredisOptions, type RedisConnection } from "./connection.js";
import { DEFAULT_QUEUE } from "./engine.js";
import { forQueue } from "./unrecoverable.js";

/** Options of {@link startBullmqWorker}. */
export interface BullmqWorkerOptions {
  /** The Redis server: `redis://host:port` or fields. */
  readonly connection: RedisConnection;
  /** The queue's name, as the engine has it. Default `"tt-tasks"`. */
  readonly queue?: string;
  /** Answers one task. */
  readonly handler: TaskHandler;
  /** Jobs this worker runs at once; default 1. */
  readonly concurrency?: number;
  /**
   * How long a job stays locked to this worker without a renewal; renewed every half of it
   * while the handler runs. Default 30 000 ms (BullMQ's): a worker that dies loses its jobs to the
   * others within about this plus two `stalledIntervalMs`. A handler that blocks its event loop
   * longer than this, or a Redis too busy to take the renewal in time (answers of tens of MB, as a
   * CP first read's mode Gram matrices), loses its job to another worker: a shorter lock finds dead
   * workers sooner, a longer one tolerates more.
   */
  readonly lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died; default 2000 ms. */
  readonly stalledIntervalMs?: number;
  /** How many times a job may lose its worker and be run again before it fails; default 2. */
  readonly maxStalledCount?: number;
  /** How long to wait for Redis when starting; default 30 000 ms. */
  readonly timeoutMs?: number;
  /** Told of connection errors and failed progress reports; default: written to stderr. */
  readonly onError?: (error: Error) => void;
}

/** A running worker. */
export interface BullmqWorker {
  /** `bullmq redis://host:port queue <name>`. */
  readonly name: string;
  /** Stops taking jobs, waits for the jobs under way to finish, and disconnects. */
  close(): Promise<void>;
}

/** Progress reports sent at most this often per job; the last one (1) always goes. */
const PROGRESS_EVERY_MS = 200;

/** The job's data as a task, checked. */
function taskOf(job: Job): EngineTask {
  const data: unknown = job.data;
  if (!isPlainObject(data) || typeof data.kind !== "string" || !("data" in data))
    throw new DataError(`job ${job.id}`, "is not a tensortools task ({ kind, data, label? })");
  return data as unknown as EngineTask;
}

/** The handler's progress callback for `job`: clamped to 0..1, throttled, errors reported. */
function progressOf(job: Job, onError: (error: Error) => void): (fraction: number) => void {
  let last = 0;
  return (fraction) => {
    const now = Date.now();
    if (!(fraction >= 1) && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    job.updateProgress(Math.min(1, Math.max(0, fraction))).catch(onError);
  };
}

function checkedMs(field: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen <= 0)
    throw new ConfigError(field, `must be a positive number of milliseconds, got ${chosen}`);
  return chosen;
}

function checkedCount(field: string, value: number | undefined, fallback: number, least: number) {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < least)
    throw new ConfigError(field, `must be an integer of at least ${least}, got ${chosen}`);
  return chosen;
}

/**
 * Starts a worker of the BullMQ engine: it runs `handler` on the tasks of every round that
 * {@link createBullmqEngine} adds to the queue, relays the handler's progress, and answers with
 * the handler's result or its error. The engine retries an error unless retrying cannot help: a
 * tensortools error other than an IoError or ConflictError (a DataError, a ConfigError, a
 * dataset that is not there) fails the task at once, keeping its message and kind. Resolves once
 * connected; an IoError when Redis cannot be reached within `timeoutMs`. Run one per process (or
 * a few with `concurrency`), on as many machines as reach the Redis server.
 *
 * @example
 * ```ts
 * const worker = await startBullmqWorker({
 *   connection: "redis://127.0.0.1:6379",
 *   handler: async (task) => (task.data as number[]).reduce((a, b) => a + b, 0),
 * });
 * process.once("SIGTERM", () => void worker.close());
 * ```
 */
export async function startBullmqWorker(options: BullmqWorkerOptions): Promise<BullmqWorker> {
  const connection = ioredisOptions(options.connection);
  const where = describeConnection(options.connection);
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const lockDuration = checkedMs("lockDurationMs", options.lockDurationMs, 30_000);
  const stalledInterval = checkedMs("stalledIntervalMs", options.stalledIntervalMs, 2000);
  const maxStalledCount = checkedCount("maxStalledCount", options.maxStalledCount, 2, 1);
  const concurrency = checkedCount("concurrency", options.concurrency, 1, 1);
  const timeoutMs = checkedMs("timeoutMs", options.timeoutMs, 30_000);
  const onError =
    options.onError ??
    ((error: Error) => process.stderr.write(`tensortools worker (${where}): ${error.message}\n`));
  const { handler } = options;
  let lastError: Error | undefined;
  const worker = new Worker(
    queueName,
    async (job: Job) => {
      try {
        return await handler(taskOf(job), progressOf(job, onError));
      } catch (error) {
        throw forQueue(error);
      }
    },
    { connection, concurrency, lockDuration, stalledInterval, maxStalledCount, autorun: false },
  );
  worker.on("error", (error) => {
    lastError = error;
    onError(error);
  });
  await readyWithin(worker, timeoutMs, () => {
    const detail = lastError === undefined ? "" : `: ${lastError.message}`;
    return new IoError(where, `could not reach Redis at ${where} within ${timeoutMs} ms${detail}`, {
      cause: lastError,
    });
  });
  worker.run().catch(onError);
  return {
    name: `bullmq ${where} queue ${queueName}`,
    close: () => worker.close(),
  };
}

/** Waits for `worker` to connect; closes it and throws `failure()` after `timeoutMs`. */
async function readyWithin(worker: Worker, timeoutMs: number, failure: () => Error) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([worker.waitUntilReady().then(() => "ready"), timeout]);
    if (outcome === "timeout") {
      const error = failure();
      await worker.close(true);
      throw error;
    }
  } finally {
    clearTimeout(timer);
  }
}
