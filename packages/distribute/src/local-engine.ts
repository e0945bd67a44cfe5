/**
 * The in-process engine: runs a round's tasks here, one after the other (or a few at once), each
 * through a JSON round trip as a remote engine would carry it. For tests, and for running a
 * split fit's exact rounds on one machine.
 */

import {
  ArgumentError,
  ConfigError,
  type Engine,
  type EngineTask,
  type JsonValue,
  type RoundOptions,
  type RoundProgress,
  TaskError,
  type TaskHandler,
} from "@tt/schema";

/** Options of {@link createLocalEngine}. */
export interface LocalEngineOptions {
  /** Tasks run at once (default 1: the kernels of one task already use every core). */
  concurrency?: number;
}

/** The engine's name, in its errors and in a split fit's record. */
const NAME = "in-process";

/** The label of task `index`: its own, or its kind and place in the round (as engine-bullmq's). */
function taskLabel(task: EngineTask, index: number, total: number): string {
  return task.label ?? `${task.kind} (task ${index + 1} of ${total})`;
}

/** Runs `handler` on each task, `concurrency` at a time; the first failure stops the round. */
async function runTasks(
  handler: TaskHandler,
  tasks: readonly EngineTask[],
  round: RoundOptions,
  concurrency: number,
): Promise<JsonValue[]> {
  const answers: JsonValue[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const report = (label?: string) => {
    const progress: RoundProgress = { done, total: tasks.length, retried: 0, label };
    round.onProgress?.(progress);
  };
  const work = async () => {
    while (next < tasks.length) {
      round.signal?.throwIfAborted();
      const index = next++;
      const task = tasks[index]!;
      const carried = { ...task, data: JSON.parse(JSON.stringify(task.data)) as JsonValue };
      let answer: JsonValue;
      try {
        answer = await handler(carried, () => {});
      } catch (error) {
        // The other lanes take no new task.
        next = tasks.length;
        const label = taskLabel(task, index, tasks.length);
        const reason = error instanceof Error ? error.message : String(error);
        throw new TaskError(NAME, label, reason, { attempts: 1, round: round.name, cause: error });
      }
      answers[index] = JSON.parse(JSON.stringify(answer)) as JsonValue;
      done++;
      report(task.label);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, work));
  return answers;
}

/**
 * An engine that runs tasks in this process with `handler`. Task data and answers go through
 * `JSON.stringify`/`JSON.parse`, so what works here carries over to an engine between processes.
 * A task is tried once: a handler's error fails the round with a TaskError naming the task, the
 * round and the handler's message (the error itself is its `cause`), as a remote engine's does.
 * Running a round after `close` is an ArgumentError; a `concurrency` that is not a positive
 * integer is a ConfigError.
 *
 * @example
 * ```ts
 * import { createLocalEngine } from "@tt/distribute";
 *
 * const engine = createLocalEngine(async (task) => (task.data as number) * 2);
 * console.log(await engine.runRound([{ kind: "double", data: 21 }])); // [42]
 * ```
 */
export function createLocalEngine(handler: TaskHandler, options: LocalEngineOptions = {}): Engine {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigError("concurrency", `must be a positive integer, got ${concurrency}`);
  let closed = false;
  return {
    name: NAME,
    async runRound(tasks, round = {}) {
      if (closed) throw new ArgumentError("runRound", "this", `the engine ${NAME} is closed`);
      return runTasks(handler, tasks, round, concurrency);
    },
    async close() {
      closed = true;
    },
  };
}
