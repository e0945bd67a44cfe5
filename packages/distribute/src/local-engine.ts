/**
 * The in-process engine: runs a round's tasks here, one after the other (or a few at once), each
 * through a JSON round trip as a remote engine would carry it. For tests, and for running a
 * split fit's exact rounds on one machine.
 */

import type { Engine, JsonValue, RoundProgress, TaskHandler } from "@tt/schema";

/** Options of {@link createLocalEngine}. */
export interface LocalEngineOptions {
  /** Tasks run at once (default 1: the kernels of one task already use every core). */
  concurrency?: number;
}

/**
 * An engine that runs tasks in this process with `handler`. Task data and answers go through
 * `JSON.stringify`/`JSON.parse`, so what works here carries over to an engine between processes.
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
  let closed = false;
  return {
    name: "in-process",
    async runRound(tasks, round = {}) {
      if (closed) throw new Error("the engine is closed");
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
          const answer = await handler(carried, () => {});
          answers[index] = JSON.parse(JSON.stringify(answer)) as JsonValue;
          done++;
          report(task.label);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, work));
      return answers;
    },
    async close() {
      closed = true;
    },
  };
}
