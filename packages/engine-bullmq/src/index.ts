/**
 * A tensortools job engine on BullMQ and Redis: `createBullmqEngine` runs the rounds of a
 * distributed computation as jobs of one queue, and `startBullmqWorker` answers them in worker
 * processes on any machine that reaches the Redis server, with BullMQ's retries, stalled-job
 * detection (a worker killed mid-job costs a retry, not the result) and progress events.
 *
 * @example
 * ```ts
 * import { createBullmqEngine, startBullmqWorker } from "@tt/engine-bullmq";
 *
 * const connection = "redis://127.0.0.1:6379";
 * const worker = await startBullmqWorker({
 *   connection,
 *   handler: async (task) => (task.data as number[]).reduce((a, b) => a + b, 0),
 * });
 * const engine = createBullmqEngine({ connection });
 * const sums = await engine.runRound([
 *   { kind: "sum", data: [1, 2], label: "first" },
 *   { kind: "sum", data: [3, 4], label: "second" },
 * ]);
 * // sums: [3, 7]
 * await engine.close();
 * await worker.close();
 * ```
 *
 * @packageDocumentation
 */

export type { RedisConnection, RedisConnectionOptions } from "./connection.js";
export { type BullmqEngineOptions, createBullmqEngine, DEFAULT_QUEUE } from "./engine.js";
export { type BullmqWorker, type BullmqWorkerOptions, startBullmqWorker } from "./worker.js";
