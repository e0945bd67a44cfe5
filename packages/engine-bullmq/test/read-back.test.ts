/**
 * The engine's safety net without events: jobs that finished before anyone listened are read
 * back from Redis (answers, retries the job recorded, failures, vanished jobs). Against a real
 * redis-server and an in-process worker.
 */

import type { JsonValue, RoundProgress } from "@tt/schema";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedisServer } from "../../../tooling/src/redis.js";
import { type BullmqWorker, startBullmqWorker } from "../src/index.js";
import { RoundState } from "../src/round.js";
import { createRoundWatch, type QueueAccess } from "../src/watch.js";

const QUEUE = "read-back";
let redis: RedisServer;
let queue: Queue;
let worker: BullmqWorker;
/** Attempts started per task label, as the worker saw them. */
const attemptsSeen = new Map<string, number>();

beforeAll(async () => {
  redis = await startRedisServer((line) => console.log(line));
  queue = new Queue(QUEUE, { connection: { url: redis.url } });
  worker = await startBullmqWorker({
    connection: redis.url,
    queue: QUEUE,
    handler: async (task) => {
      const label = task.label ?? "";
      const attempt = (attemptsSeen.get(label) ?? 0) + 1;
      attemptsSeen.set(label, attempt);
      if (task.kind === "fail") throw new Error(`no ${label}`);
      if (task.kind === "fail-once" && attempt === 1) throw new Error(`not yet ${label}`);
      return task.data;
    },
  });
}, 600_000);

afterAll(async () => {
  await worker?.close();
  await queue?.close();
  await redis?.stop();
});

/** Adds a job as the engine would, and waits until it has finished. */
async function finishedJob(jobId: string, kind: string, data: JsonValue, attempts = 1) {
  await queue.add(kind, { kind, data, label: jobId }, { jobId, attempts });
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (state === "completed" || state === "failed") return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Watches a round of `jobIds` by reading back only (no event listener), and settles it. */
async function readBack(jobIds: string[], progress: RoundProgress[] = []) {
  const state = new RoundState({
    engine: "test engine",
    name: "read back",
    jobIds,
    labels: jobIds.map((id) => `task ${id}`),
    onProgress: (p) => progress.push(p),
  });
  const access: QueueAccess = {
    queue,
    events: undefined as never,
    where: redis.url,
    timeoutMs: 5000,
    pollMs: 50,
    lastError: undefined,
  };
  const watch = createRoundWatch(access, state, undefined);
  watch.start();
  try {
    return await state.result;
  } finally {
    await watch.stop();
  }
}

describe("reading back a round's jobs", () => {
  it("answers jobs that completed before anyone listened, in order, and removes them", async () => {
    await finishedJob("a-0", "echo", { x: 1 });
    await finishedJob("a-1", "echo", [2, 3]);
    await finishedJob("a-2", "fail-once", "third", 2);
    const progress: RoundProgress[] = [];
    expect(await readBack(["a-0", "a-1", "a-2"], progress)).toEqual([{ x: 1 }, [2, 3], "third"]);
    // The retry of a-2 was never seen as an event; the job's own count of attempts tells it.
    expect(progress.at(-1)).toMatchObject({ done: 3, total: 3, retried: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const states = await Promise.all(["a-0", "a-1", "a-2"].map((id) => queue.getJobState(id)));
    expect(states).toEqual(["unknown", "unknown", "unknown"]);
  });

  it("fails with a TaskError for a job that failed for good before anyone listened", async () => {
    await finishedJob("b-0", "echo", 1);
    await finishedJob("b-1", "fail", 2, 2);
    await expect(readBack(["b-0", "b-1"])).rejects.toMatchObject({
      name: "TaskError",
      task: "task b-1",
      round: "read back",
      attempts: 2,
      reason: "no b-1",
      message: "test engine: task 'task b-1' of round 'read back' failed after 2 attempts: no b-1",
    });
  });

  it("fails with a TaskError for a job that is gone from the queue", async () => {
    await expect(readBack(["never-added"])).rejects.toMatchObject({
      name: "TaskError",
      task: "task never-added",
      reason: "its job is gone from the queue (removed, or the queue was emptied)",
    });
  });
});
