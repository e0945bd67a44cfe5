/**
 * The job-engine plugin interface: how work that splits into independent tasks (the partitions of
 * a decomposition's round) runs on other processes or machines. An engine is a plain object; the
 * library hands it the tasks of one round and waits for their answers. What a task means is up to
 * the handler that the engine's workers run, so an engine knows nothing about decompositions.
 */

import type { JsonValue } from "./json.js";

/**
 * One task of a round: `kind` names what the handler does, `data` is its input as JSON (large
 * numeric arrays travel as base64 strings). A task must be idempotent: an engine may run it
 * again after a worker died, and the answer must be the same.
 */
export interface EngineTask {
  /** What the handler does with `data`, e.g. `"svd.product"`. */
  readonly kind: string;
  /** The task's input. */
  readonly data: JsonValue;
  /** A short label for progress and error messages, e.g. `"partition 3 of 12"`. */
  readonly label?: string;
}

/** Progress of a round: tasks finished out of all, and how many were retried so far. */
export interface RoundProgress {
  readonly done: number;
  readonly total: number;
  /** Task attempts that failed and were retried (a worker died, a request failed). */
  readonly retried: number;
  /** The task whose state changed, when the engine knows. */
  readonly label?: string;
  /**
   * How far the labelled task is (0 to 1), when its worker reported progress (see
   * {@link TaskHandler}); `done` counts whole tasks only.
   */
  readonly fraction?: number;
}

/** Options of one {@link Engine.runRound}. */
export interface RoundOptions {
  /** A short name of the round for progress and errors, e.g. `"svd pass 3 of 7"`. */
  readonly name?: string;
  /** Called whenever a task finishes or is retried. */
  readonly onProgress?: (progress: RoundProgress) => void;
  /** Stops waiting; tasks already running may still finish on their workers. */
  readonly signal?: AbortSignal;
}

/**
 * A job engine: runs the tasks of a round, each once (retrying failed attempts as it is
 * configured to), and answers with their results in the order of `tasks`. A task that fails for
 * good rejects the round with an error naming the task.
 */
export interface Engine {
  /** A name for messages, e.g. `"in-process"` or `"bullmq redis://127.0.0.1:6379"`. */
  readonly name: string;
  runRound(tasks: readonly EngineTask[], options?: RoundOptions): Promise<JsonValue[]>;
  /** Releases connections; the engine cannot run rounds afterwards. */
  close(): Promise<void>;
}

/**
 * What an engine's workers run: answers one task. `onProgress` reports the fraction of the task
 * done (0 to 1), for engines that relay it.
 */
export type TaskHandler = (
  task: EngineTask,
  onProgress: (fraction: number) => void,
) => Promise<JsonValue>;
