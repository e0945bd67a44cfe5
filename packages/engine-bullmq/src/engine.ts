/**
 * The BullMQ engine: a round's tasks become the jobs of one queue on Redis, workers anywhere
 * answer them (`startBullmqWorker`), and the engine collects the answers in task order.
 */

import { randomUUID } from "node:crypto";
import {
  ArgumentError,
  ConfigError,
  type Engine,
  type EngineTask,
  findNonJson,
  type JsonValue,
  type RoundOptions,
} from "@tt/schema";
import { Queue, QueueEvents } from "bullmq";
import { describeConnection, ioredisOptions, type RedisConnection } from "./connection.js";
import { RoundState } from "./round.js";
import { shut } from "./shutdown.js";
import { createRoundWatch, type QueueAccess, watchQueueEvents } from "./watch.js";

/** The queue that engines and workers use when not told otherwise. */
export const DEFAULT_QUEUE = "tt-tasks";

/** Options of {@link createBullmqEngine}. */
export interface BullmqEngineOptions {
  /** The Redis server: `redis://host:port` or fields. */
  readonly connection: RedisConnection;
  /** The queue's name; workers must use the same. Default `"tt-tasks"`. */
  readonly queue?: string;
  /** Attempts per task before the round fails; default 3. */
  readonly attempts?: number;
  /** Wait before the first retry of a failed attempt, doubling each time; default 1000 ms. */
  readonly backoffMs?: number;
  /**
   * How long Redis may be unreachable, when a round starts or while it waits, before the round
   * fails with an IoError; default 30 000 ms.
   */
  readonly timeoutMs?: number;
  /**
   * How often the engine reads back the state of the tasks it still waits for, besides
   * listening to the queue's events (which a lost connection may miss); default 5000 ms.
   */
  readonly pollMs?: number;
}

/** Seconds a finished job stays in Redis when nobody reads it (its round was abandoned). */
const KEEP_COMPLETED_SECONDS = 3600;
const KEEP_FAILED_SECONDS = 24 * 3600;
/** Events kept in the queue's event stream; completed events carry the answers, which are large. */
const EVENTS_MAX_LENGTH = 1000;

function positiveInteger(field: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1)
    throw new ConfigError(field, `must be a positive integer, got ${chosen}`);
  return chosen;
}

function nonNegative(field: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen < 0)
    throw new ConfigError(field, `must be a number of milliseconds (0 or more), got ${chosen}`);
  return chosen;
}

/** The label of task `index`: its own, or its kind and place in the round. */
function taskLabel(task: EngineTask, index: number, total: number): string {
  return task.label ?? `${task.kind} (task ${index + 1} of ${total})`;
}

/** Checks that every task has a kind and JSON data, naming the first that does not. */
function checkTasks(tasks: readonly EngineTask[]): void {
  if (!Array.isArray(tasks))
    throw new ArgumentError("runRound", "tasks", `must be an array of tasks, got ${typeof tasks}`);
  tasks.forEach((task, index) => {
    if (typeof task?.kind !== "string" || task.kind === "")
      throw new ArgumentError("runRound", "tasks", `tasks[${index}].kind must be a task kind`);
    const bad = findNonJson(task.data, `tasks[${index}].data`);
    if (bad !== undefined)
      throw new ArgumentError("runRound", "tasks", `${bad} cannot be sent as JSON`);
  });
}

/**
 * A job engine on BullMQ and Redis: `runRound` adds the tasks as jobs of one queue (the task is
 * the job's data; the round's id is in the job ids), and the workers that
 * {@link startBullmqWorker} starts on any machine answer them. A failed attempt is retried after
 * `backoffMs`, doubling, up to `attempts`; a task whose worker died is retried when the workers'
 * stalled-job check finds it. The round answers in task order, or fails with a TaskError naming
 * the task and the worker's error; an abort removes the round's waiting jobs.
 *
 * @example
 * ```ts
 * const engine = createBullmqEngine({ connection: "redis://127.0.0.1:6379" });
 * const sums = await engine.runRound(
 *   [{ kind: "sum", data: [1, 2] }, { kind: "sum", data: [3, 4] }],
 *   { name: "sums", onProgress: (p) => console.log(`${p.done}/${p.total}, ${p.retried} retried`) },
 * );
 * await engine.close();
 * ```
 */
export function createBullmqEngine(options: BullmqEngineOptions): Engine {
  const where = describeConnection(options.connection);
  const queueName = options.queue ?? DEFAULT_QUEUE;
  const jobOptions = {
    attempts: positiveInteger("attempts", options.attempts, 3),
    backoffMs: nonNegative("backoffMs", options.backoffMs, 1000),
  };
  const name = `bullmq ${where} queue ${queueName}`;
  const { access, connected, onError } = openQueue(options, queueName, where);
  const rounds = new Set<RoundState>();
  const unwatch = watchQueueEvents(access, rounds);
  let closed = false;

  async function runRound(tasks: readonly EngineTask[], round: RoundOptions = {}) {
    if (closed) throw new ArgumentError("runRound", "this", `the engine ${name} is closed`);
    checkTasks(tasks);
    round.signal?.throwIfAborted();
    if (tasks.length === 0) return [];
    const roundId = randomUUID();
    const state = new RoundState({
      engine: name,
      name: round.name,
      jobIds: tasks.map((_, index) => `${roundId}-${index}`),
      labels: tasks.map((task, index) => taskLabel(task, index, tasks.length)),
      onProgress: round.onProgress,
    });
    const watch = createRoundWatch(access, state, round.signal);
    rounds.add(state);
    try {
      await watch.ready();
      await access.queue.addBulk(roundJobs(tasks, roundId, jobOptions));
      state.report();
      watch.start();
      return (await state.result) as JsonValue[];
    } catch (error) {
      state.fail(error);
      throw error;
    } finally {
      rounds.delete(state);
      await watch.stop();
    }
  }

  async function close() {
    if (closed) return;
    closed = true;
    for (const state of rounds)
      state.fail(new ArgumentError("runRound", "this", `the engine ${name} was closed`));
    unwatch();
    await Promise.all([
      shut(access.queue, connected.queue, onError),
      shut(access.events, connected.events, onError),
    ]);
  }

  return { name, runRound, close };
}

/** The jobs of a round: one per task, the task as data, ids `<round>-<index>`. */
function roundJobs(
  tasks: readonly EngineTask[],
  roundId: string,
  { attempts, backoffMs }: { attempts: number; backoffMs: number },
) {
  return tasks.map((task, index) => ({
    name: task.kind,
    data: task,
    opts: {
      jobId: `${roundId}-${index}`,
      attempts,
      backoff: { type: "exponential", delay: backoffMs },
      removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
      removeOnFail: { age: KEEP_FAILED_SECONDS },
    },
  }));
}

/**
 * The engine's queue and its event listener, connecting in the background: `connected` tells
 * which of them did (for closing), connection errors are kept in `access.lastError`.
 */
function openQueue(options: BullmqEngineOptions, queueName: string, where: string) {
  // Every option is checked before anything connects.
  const connection = ioredisOptions(options.connection);
  const timeoutMs = nonNegative("timeoutMs", options.timeoutMs, 30_000);
  const pollMs = nonNegative("pollMs", options.pollMs, 5000);
  const access: QueueAccess = {
    queue: new Queue(queueName, {
      connection,
      streams: { events: { maxLen: EVENTS_MAX_LENGTH } },
    }),
    events: new QueueEvents(queueName, { connection }),
    where,
    timeoutMs,
    pollMs,
    lastError: undefined,
  };
  const connected = { queue: false, events: false };
  const onError = (error: unknown) => {
    access.lastError = error;
  };
  access.queue.waitUntilReady().then(() => {
    connected.queue = true;
  }, onError);
  access.events.waitUntilReady().then(() => {
    connected.events = true;
  }, onError);
  return { access, connected, onError };
}
